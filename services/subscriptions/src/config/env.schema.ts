import { ServiceEnv } from '@o2c/platform';
import { IsInt, Max, Min } from 'class-validator';

/** Settings of the subscriptions service; see ServiceEnv for the ones every service shares. */
export class SubscriptionsEnv extends ServiceEnv {
  override PORT = 3002;

  /** Minutes between runs of the automatic-renewal job for today (it also runs at start-up); 0 turns it off. */
  @IsInt()
  @Min(0)
  @Max(1440)
  RENEWAL_JOB_INTERVAL_MINUTES: number = 60;
}
