import { IsCalendarDate } from '@o2c/contracts';

export class RunRenewalsRequestDto {
  /** Renew what is due on this date (`YYYY-MM-DD`); any date, so a contract's life can be simulated. */
  @IsCalendarDate()
  asOf!: string;
}
