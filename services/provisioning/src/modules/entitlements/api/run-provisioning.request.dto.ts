import { IsCalendarDate } from '@o2c/contracts';

export class RunProvisioningRequestDto {
  /** Provision what takes effect on or before this date (`YYYY-MM-DD`); any date, so a contract's life can be simulated. */
  @IsCalendarDate()
  asOf!: string;
}
