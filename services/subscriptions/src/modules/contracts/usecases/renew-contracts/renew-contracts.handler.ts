import { Injectable } from '@nestjs/common';
import { type CalendarDate } from '@o2c/billing';
import { type ItemFailure, RunFailures } from '@o2c/platform';
import { DataSource } from 'typeorm';
import { engineHistory } from '../../domain/contract-history';
import { ContractRepository } from '../../infra/contract.repository';
import { RecordContractVersion } from '../record-contract-version';

// A savepoint per contract: at most 64 subtransactions keep every PostgreSQL snapshot cheap meanwhile.
const BATCH = 50;

/** The run's name in its failures (`GET /v1/admin/run-failures?run=renewal`). */
export const RENEWAL_RUN = 'renewal';

export interface RenewalRun {
  asOf: string;
  /** Automatic renewals made (a contract whose several terms ended makes one per term). */
  renewed: number;
  contracts: string[];
  /** Contracts that could not be renewed, with the reason: set aside, the others renewed regardless. */
  failed: ({ contractId: string } & ItemFailure)[];
}

/**
 * Renews every active, auto-renewing contract whose term ended on or before `asOf` (billing rules §7), a
 * term at a time until the current term runs past `asOf`. Idempotent: a second run for the same date finds
 * nothing due. Concurrent runs split the contracts between them (`SKIP LOCKED`), each contract renewed once.
 * Contracts are taken in batches, one transaction each, and each contract in a savepoint of its own: one that
 * fails is undone alone, recorded with its reason, skipped for the rest of the run and tried again by the
 * next run (even if no longer due, so that its failure is resolved once it goes through).
 */
@Injectable()
export class RenewContractsHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly contracts: ContractRepository,
    private readonly versions: RecordContractVersion,
    private readonly failures: RunFailures,
  ) {}

  async execute(asOf: CalendarDate): Promise<RenewalRun> {
    const run: RenewalRun = { asOf: asOf.toString(), renewed: 0, contracts: [], failed: [] };
    const retry = await this.failures.openItems(this.dataSource.manager, RENEWAL_RUN);
    const tried: string[] = [];
    for (;;) {
      const done = await this.dataSource.transaction(async (manager) => {
        const batch = await this.contracts.forRenewalRun(manager, run.asOf, { retry, skip: tried }, BATCH);
        for (const contractId of batch) {
          tried.push(contractId);
          const item = { run: RENEWAL_RUN, itemId: contractId, contractId, asOf: run.asOf };
          const outcome = await this.failures.attempt(manager, item, async (itemManager) => {
            const stored = await this.contracts.history(itemManager, contractId);
            const { renewed } = await this.versions.renewThrough(
              itemManager,
              contractId,
              { current: engineHistory(stored).at(-1)!, previous: stored.at(-1)!.data },
              asOf,
            );
            return renewed;
          });
          if (!outcome.ok) {
            run.failed.push({ contractId, ...outcome.failure });
          } else if (outcome.value > 0) {
            run.renewed += outcome.value;
            run.contracts.push(contractId);
          }
        }
        return batch.length < BATCH;
      });
      if (done) return run;
    }
  }
}
