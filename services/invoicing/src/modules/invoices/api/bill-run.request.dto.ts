import { IsCalendarDate } from '@o2c/contracts';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';

export class BillRunRequestDto {
  /** Issue what is due on or before this date (`YYYY-MM-DD`); any date, so a contract's life can be simulated. */
  @IsCalendarDate()
  asOf!: string;
}

export class ListBillRunsRequestDto {
  /** `nextCursor` of the previous page. */
  @IsOptional()
  @IsUUID()
  cursor?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 20;
}

export class ListBillRunDocumentsRequestDto {
  /** `nextCursor` of the previous page. */
  @IsOptional()
  @IsUUID()
  cursor?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit: number = 100;
}
