import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EntitlementRepository } from '../../infra/entitlement.repository';
import { ApplyEntitlementsHandler } from '../apply-entitlements/apply-entitlements.handler';

const BATCH = 100;

export interface ProvisioningRun {
  asOf: string;
  /** Contracts whose entitlements changed, in the order they were applied. */
  contracts: string[];
  provisioned: number;
  updated: number;
  revoked: number;
}

/**
 * Brings every contract that may have changed by `asOf` (a future start, an amendment or cancellation
 * effective later, a ramp step, a term's end) to what it grants on that day. Idempotent per date: a
 * contract brought to `asOf` is not looked at again for it, and its next look is after it. Concurrent runs
 * share the contracts (`SKIP LOCKED`).
 */
@Injectable()
export class RunProvisioningHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly entitlements: EntitlementRepository,
    private readonly apply: ApplyEntitlementsHandler,
  ) {}

  async execute(asOf: string): Promise<ProvisioningRun> {
    const run: ProvisioningRun = { asOf, contracts: [], provisioned: 0, updated: 0, revoked: 0 };
    for (;;) {
      const done = await this.dataSource.transaction(async (manager) => {
        const due = await this.entitlements.lockDue(manager, asOf, BATCH);
        for (const contract of due) {
          const outcome = await this.apply.execute(manager, contract, asOf);
          if (outcome.licenceEvent === undefined) continue;
          run.contracts.push(contract.contractId);
          run[outcome.licenceEvent] += 1;
        }
        return due.length < BATCH;
      });
      if (done) return run;
    }
  }
}
