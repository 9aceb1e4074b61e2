import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '@o2c/clock';
import { PeriodicJob, SERVICE_ENV } from '@o2c/platform';
import { type ProvisioningEnv } from '../../../../config/env.schema';
import { RunProvisioningHandler } from './run-provisioning.handler';

/** The daily provisioning of what takes effect today (future starts, amendments, cancellations, term ends). */
@Injectable()
export class ProvisioningJob extends PeriodicJob {
  constructor(
    private readonly runs: RunProvisioningHandler,
    @Inject(CLOCK) clock: Clock,
    @Inject(SERVICE_ENV) env: ProvisioningEnv,
  ) {
    super(clock, env.PROVISIONING_JOB_INTERVAL_MINUTES);
  }

  protected async runFor(asOf: string): Promise<Record<string, unknown>> {
    const run = await this.runs.execute(asOf);
    return {
      job: 'provisioning',
      provisioned: run.provisioned,
      updated: run.updated,
      revoked: run.revoked,
      failed: run.failed.length,
    };
  }
}
