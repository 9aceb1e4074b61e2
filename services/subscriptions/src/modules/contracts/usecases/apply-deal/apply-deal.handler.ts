import { Injectable } from '@nestjs/common';
import { appendDeal, BillingError, contractHistory, type ContractVersion } from '@o2c/billing';
import { type CatalogEntrySnapshotV1, type ContractChangeSourceV1, type DealClosedV1 } from '@o2c/contracts';
import { NonRetryableError } from '@o2c/messaging';
import { type EntityManager } from 'typeorm';
import { acceptedDeals, engineHistory, historyRefs, unchangedPrefix } from '../../domain/contract-history';
import { admissionAfterEarlierRevision, admissionForContract } from '../../domain/deal-application';
import { ContractRepository } from '../../infra/contract.repository';
import { RecordContractVersion } from '../record-contract-version';

/**
 * A closed deal applied to its contract (billing rules §5–§7) by the billing library's `contractHistory`,
 * the same function intake and the preview use: the contract's deals, this one last in acceptance order,
 * become its versions in effective-date order. A deal dated after every change adds one version (and the
 * automatic renewals due by its day before it); one dated before accepted changes takes its place among them,
 * and every later version is restated with an event of its own, all carrying the new history. What cannot
 * apply is refused without retries (dead-lettered with the reason, replayable once fixed): the rules of what is
 * refused are in `domain/`, and this use case is where its consumer's failures are told retryable or not.
 */
@Injectable()
export class ApplyDealHandler {
  constructor(
    private readonly contracts: ContractRepository,
    private readonly versions: RecordContractVersion,
  ) {}

  async execute(manager: EntityManager, deal: DealClosedV1): Promise<void> {
    const again = admissionAfterEarlierRevision(
      deal,
      await this.contracts.versionOfDeal(manager, deal.dealId),
    );
    if (again.kind === 'duplicate') return; // the same deal again under another event id
    if (again.kind === 'refused') throw new NonRetryableError(again.reason);
    const stored = await this.contracts.history(manager, deal.contractId, true);
    const admission = admissionForContract(deal, stored.length > 0);
    if (admission.kind === 'refused') throw new NonRetryableError(admission.reason);
    const current = stored.length === 0 ? [] : engineHistory(stored);
    const accepted = acceptedDeals(stored);
    let next: ContractVersion[];
    try {
      // A contract stored before deals were kept cannot be replayed: it takes deals after its last change.
      next =
        accepted === undefined
          ? appendDeal(current, deal)
          : contractHistory([...accepted, deal], current.at(-1)?.term.start);
    } catch (error) {
      if (error instanceof BillingError) throw new NonRetryableError(`${error.code}: ${error.message}`);
      throw error;
    }
    // The versions up to the first change that moved stay; the new one and every later one get an event.
    const kept = unchangedPrefix(current, next);
    let version = stored.at(-1)?.version ?? 0;
    const changed = next.slice(kept).map((v) => ({ ...v, version: (version += 1) }));
    const history = [...historyRefs(stored).slice(0, kept), ...changed.map((v) => v.version)];
    const deals = new Map([...(accepted ?? []), deal].map((d) => [d.dealId, d]));
    const catalogOfNewLines = new Map<string, CatalogEntrySnapshotV1>(
      [...deals.values()].flatMap((d) => d.lines.map((line) => [line.id, line.catalog] as const)),
    );
    let previous = stored.at(-1)?.data;
    for (const v of changed) {
      const made = deals.get(v.change.id);
      const source: ContractChangeSourceV1 =
        made === undefined
          ? { kind: 'auto_renewal' }
          : { kind: 'deal', dealId: made.dealId, revision: made.revision };
      previous = await this.versions.record(manager, v, {
        contractId: deal.contractId,
        accountId: deal.account.id,
        account: deal.account,
        source,
        ...(previous === undefined ? {} : { previous }),
        catalogOfNewLines,
        history,
        ...(made === undefined ? {} : { deal: made }),
      });
    }
  }
}
