import { Injectable } from '@nestjs/common';
import { type ItemFailure, RunFailures } from '@o2c/platform';
import { DataSource } from 'typeorm';
import { EntitlementRepository } from '../../infra/entitlement.repository';
import { ApplyEntitlementsHandler } from '../apply-entitlements/apply-entitlements.handler';

// A savepoint per contract: at most 64 subtransactions keep every PostgreSQL snapshot cheap meanwhile.
const BATCH = 50;

/** The run's name in its failures (`GET /v1/admin/run-failures?run=provisioning`). */
export const PROVISIONING_RUN = 'provisioning';

export interface ProvisioningRun {
  asOf: string;
  /** Contracts whose entitlements changed, in the order they were applied. */
  contracts: string[];
  provisioned: number;
  updated: number;
  revoked: number;
  /** Contracts that could not be brought to `asOf`, with the reason: set aside, the others applied regardless. */
  failed: ({ contractId: string } & ItemFailure)[];
}

/**
 * Brings every contract that may have changed by `asOf` (a future start, an amendment or cancellation
 * effective later, a ramp step, a term's end) to what it grants on that day. Idempotent per date: a
 * contract brought to `asOf` is not looked at again for it, and its next look is after it. Concurrent runs
 * share the contracts (`SKIP LOCKED`). Contracts are taken in batches, one transaction each, and each contract
 * in a savepoint of its own: one that fails is undone alone, recorded with its reason, skipped for the rest of
 * the run and tried again by the next run (even if nothing changes for it then, so that its failure is
 * resolved once it goes through).
 */
@Injectable()
export class RunProvisioningHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly entitlements: EntitlementRepository,
    private readonly apply: ApplyEntitlementsHandler,
    private readonly failures: RunFailures,
  ) {}

  async execute(asOf: string): Promise<ProvisioningRun> {
    const run: ProvisioningRun = { asOf, contracts: [], provisioned: 0, updated: 0, revoked: 0, failed: [] };
    const retry = await this.failures.openItems(this.dataSource.manager, PROVISIONING_RUN);
    const tried: string[] = [];
    for (;;) {
      const done = await this.dataSource.transaction(async (manager) => {
        const batch = await this.entitlements.lockForRun(manager, asOf, { retry, skip: tried }, BATCH);
        for (const contract of batch) {
          const { contractId } = contract;
          tried.push(contractId);
          const item = { run: PROVISIONING_RUN, itemId: contractId, contractId, asOf };
          const outcome = await this.failures.attempt(manager, item, (itemManager) =>
            this.apply.execute(itemManager, contract, asOf),
          );
          if (!outcome.ok) {
            run.failed.push({ contractId, ...outcome.failure });
          } else if (outcome.value.licenceEvent !== undefined) {
            run.contracts.push(contractId);
            run[outcome.value.licenceEvent] += 1;
          }
        }
        return batch.length < BATCH;
      });
      if (done) return run;
    }
  }
}
