import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { type DealStatus, DealStatuses } from '../domain/deal';

/** Query of `GET /v1/deals`: the newest deals first, a page at a time. */
export class ListDealsQuery {
  @ApiPropertyOptional({
    enum: DealStatuses,
    description: 'Only deals whose newest revision has this status',
  })
  @IsOptional()
  @IsIn(DealStatuses)
  status?: DealStatus;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ format: 'uuid', description: '`nextCursor` of the previous page' })
  @IsOptional()
  @IsUUID()
  cursor?: string;
}
