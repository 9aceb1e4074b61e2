import { IsCalendarDate } from '@o2c/contracts';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';

export class ListDocumentsRequestDto {
  @IsOptional()
  @IsString()
  @Length(1, 255)
  accountId?: string;

  @IsOptional()
  @IsString()
  @Length(1, 255)
  contractId?: string;

  /** Invoices: `open`, `overdue` or `paid`; credit notes are `issued`. */
  @IsOptional()
  @IsIn(['open', 'overdue', 'paid', 'issued'])
  status?: string;

  /** Issued on or after this date. */
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  /** Issued on or before this date. */
  @IsOptional()
  @IsCalendarDate()
  to?: string;

  /** `nextCursor` of the previous page. */
  @IsOptional()
  @IsUUID()
  cursor?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 50;
}
