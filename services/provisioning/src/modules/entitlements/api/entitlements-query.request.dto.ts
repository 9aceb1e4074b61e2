import { IsCalendarDate } from '@o2c/contracts';
import { IsOptional } from 'class-validator';

export class EntitlementsQueryRequestDto {
  /** What the account's contracts, as known now, grant on this date (`YYYY-MM-DD`); absent: what is provisioned. */
  @IsOptional()
  @IsCalendarDate()
  asOf?: string;
}
