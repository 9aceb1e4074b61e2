import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '@o2c/clock';
import { CalendarDate } from '@o2c/billing';
import { PeriodicJob, SERVICE_ENV } from '@o2c/platform';
import { type SubscriptionsEnv } from '../../../../config/env.schema';
import { RenewContractsHandler } from './renew-contracts.handler';

/** The daily automatic renewal (billing rules §7), for today's date. */
@Injectable()
export class RenewalJob extends PeriodicJob {
  constructor(
    private readonly renewals: RenewContractsHandler,
    @Inject(CLOCK) clock: Clock,
    @Inject(SERVICE_ENV) env: SubscriptionsEnv,
  ) {
    super(clock, env.RENEWAL_JOB_INTERVAL_MINUTES);
  }

  protected async runFor(asOf: string): Promise<Record<string, unknown>> {
    const run = await this.renewals.execute(CalendarDate.parse(asOf));
    return { job: 'renewals', renewed: run.renewed, failed: run.failed.length };
  }
}
