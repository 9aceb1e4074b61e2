import { Injectable } from '@nestjs/common';
import { type CalendarDate } from '@o2c/billing';
import { DataSource } from 'typeorm';
import { ContractRepository, engineHistory } from '../../infra/contract.repository';
import { RecordContractVersion } from '../record-contract-version';

const BATCH = 100;

export interface RenewalRun {
  asOf: string;
  /** Automatic renewals made (a contract whose several terms ended makes one per term). */
  renewed: number;
  contracts: string[];
}

/**
 * Renews every active, auto-renewing contract whose term ended on or before `asOf` (billing rules §7), a
 * term at a time until the current term runs past `asOf`. Idempotent: a second run for the same date finds
 * nothing due. Concurrent runs split the contracts between them (`SKIP LOCKED`), each contract renewed once.
 */
@Injectable()
export class RenewContractsHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly contracts: ContractRepository,
    private readonly versions: RecordContractVersion,
  ) {}

  async execute(asOf: CalendarDate): Promise<RenewalRun> {
    const run: RenewalRun = { asOf: asOf.toString(), renewed: 0, contracts: [] };
    for (;;) {
      const done = await this.dataSource.transaction(async (manager) => {
        const due = await this.contracts.dueForRenewal(manager, run.asOf, BATCH);
        for (const contractId of due) {
          const stored = await this.contracts.history(manager, contractId);
          const { renewed } = await this.versions.renewThrough(
            manager,
            contractId,
            { current: engineHistory(stored).at(-1)!, previous: stored.at(-1)!.data },
            asOf,
          );
          run.renewed += renewed;
          run.contracts.push(contractId);
        }
        return due.length < BATCH;
      });
      if (done) return run;
    }
  }
}
