import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '@o2c/clock';
import { CalendarDate } from '@o2c/billing';
import { PeriodicJob, SERVICE_ENV } from '@o2c/platform';
import { type InvoicingEnv } from '../../../../config/env.schema';
import { RunBillRunHandler } from './run-bill-run.handler';

/** The daily bill run, for today's date. */
@Injectable()
export class BillRunJob extends PeriodicJob {
  constructor(
    private readonly billRuns: RunBillRunHandler,
    @Inject(CLOCK) clock: Clock,
    @Inject(SERVICE_ENV) env: InvoicingEnv,
  ) {
    super(clock, env.BILL_RUN_INTERVAL_MINUTES);
  }

  protected async runFor(asOf: string): Promise<Record<string, unknown>> {
    const run = await this.billRuns.execute(CalendarDate.parse(asOf));
    return {
      job: 'bill-run',
      billRunId: run.billRunId,
      contracts: run.contracts,
      issued: run.issued,
      failed: run.failed.length,
      overdue: run.overdue.length,
      overdueFailed: run.overdueFailed.length,
    };
  }
}
