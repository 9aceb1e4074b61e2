import { Injectable } from '@nestjs/common';
import { applyDeal, BillingError, CalendarDate, type ContractVersion } from '@o2c/billing';
import { type DealClosedV1 } from '@o2c/contracts';
import { NonRetryableError } from '@o2c/messaging';
import { type EntityManager } from 'typeorm';
import { ContractRepository, engineHistory } from '../../infra/contract.repository';
import { RecordContractVersion } from '../record-contract-version';

/**
 * A closed deal applied to its contract (billing rules §5–§7): a new deal creates version 1, an
 * amendment, renewal or cancellation makes the next version. What cannot apply is refused without
 * retries (dead-lettered with the reason, replayable once fixed).
 */
@Injectable()
export class ApplyDealHandler {
  constructor(
    private readonly contracts: ContractRepository,
    private readonly versions: RecordContractVersion,
  ) {}

  async execute(manager: EntityManager, deal: DealClosedV1): Promise<void> {
    const applied = await this.contracts.versionOfDeal(manager, deal.dealId);
    if (applied?.revision === deal.revision) return; // the same deal again under another event id
    if (applied) {
      throw new NonRetryableError(
        `deal ${deal.dealId} revision ${applied.revision} already changed contract ${applied.contractId}; revision ${deal.revision} is not applied (change a signed deal with an amendment)`,
      );
    }
    const stored = await this.contracts.history(manager, deal.contractId, true);
    if (deal.kind === 'new' && stored.length > 0) {
      throw new NonRetryableError(
        `contract ${deal.contractId} exists already; deal ${deal.dealId} cannot create it again`,
      );
    }
    if (deal.kind !== 'new' && stored.length === 0) {
      throw new NonRetryableError(
        `deal ${deal.dealId} (${deal.kind}) names contract ${deal.contractId}, which does not exist`,
      );
    }
    const history = engineHistory(stored);
    let previous = stored.at(-1)?.data;
    let current = history.at(-1);
    // A change dated in a term the automatic renewal has not made yet (the daily job runs later than the
    // deal arrives) first gets that renewal, as billing-rules.md §7 would have made it by then.
    const effective = changeDate(deal);
    if (effective !== undefined && current !== undefined && previous !== undefined) {
      ({ current, previous } = await this.versions.renewThrough(
        manager,
        deal.contractId,
        { current, previous },
        effective,
      ));
    }
    let next: ContractVersion;
    try {
      next = applyDeal(current, deal);
    } catch (error) {
      if (error instanceof BillingError) throw new NonRetryableError(`${error.code}: ${error.message}`);
      throw error;
    }
    await this.versions.record(manager, next, {
      contractId: deal.contractId,
      accountId: deal.account.id,
      account: deal.account,
      source: { kind: 'deal', dealId: deal.dealId, revision: deal.revision },
      ...(previous === undefined ? {} : { previous }),
      catalogOfNewLines: new Map(deal.lines.map((line) => [line.id, line.catalog])),
    });
  }
}

/** The day an amendment or an immediate cancellation takes effect; other deals have none. */
function changeDate(deal: DealClosedV1): CalendarDate | undefined {
  if (deal.kind === 'amendment' && deal.effectiveDate) return CalendarDate.parse(deal.effectiveDate);
  if (
    deal.kind === 'cancellation' &&
    deal.cancellation?.effective === 'immediate' &&
    deal.cancellation.date
  ) {
    return CalendarDate.parse(deal.cancellation.date);
  }
  return undefined;
}
