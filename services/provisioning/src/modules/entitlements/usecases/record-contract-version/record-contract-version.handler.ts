import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '@o2c/clock';
import { CalendarDate } from '@o2c/billing';
import {
  type SubscriptionEventData,
  type SubscriptionEventType,
  versionArrival,
  versionGapReason,
} from '@o2c/contracts';
import { NonRetryableError } from '@o2c/messaging';
import { type EntityManager } from 'typeorm';
import {
  type ContractVersionRecord,
  nextChangeAfter,
  relevantDateOf,
} from '../../domain/entitlement-timeline';
import { EntitlementRepository } from '../../infra/entitlement.repository';
import { ApplyEntitlementsHandler } from '../apply-entitlements/apply-entitlements.handler';

/**
 * Keeps a new version of a contract and applies it when its day has come: when its relevant date (start,
 * amendment, renewal, end of service) is on or before today's date, the contract's entitlements are brought
 * to today at once; otherwise the version waits for the provisioning run of its day. "Today" is the clock's
 * date, or the day a run already brought the contract to when that is later (a run for a future date, as
 * when a contract's life is simulated), so a contract never goes back in time. Versions are applied once and in
 * order, as invoicing applies them (`versionArrival` of `@o2c/contracts`): a version after a gap is refused
 * without retries, to be replayed from the dead letters once the missing one is applied; this use case is where
 * its consumer's failures are told retryable or not.
 */
@Injectable()
export class RecordContractVersionHandler {
  constructor(
    private readonly entitlements: EntitlementRepository,
    private readonly apply: ApplyEntitlementsHandler,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(
    manager: EntityManager,
    type: SubscriptionEventType,
    data: SubscriptionEventData,
    eventId: string,
  ): Promise<void> {
    const now = this.clock.now();
    const contract = await this.entitlements.lockContract(manager, data.contractId, data.accountId, now);
    // Once and in order (`versionArrival`): one stored already changes nothing, one after a gap is refused.
    const arrival = versionArrival(contract.latestVersion, data.version);
    if (arrival === 'stored') return;
    if (arrival === 'gap') {
      throw new NonRetryableError(versionGapReason(data.contractId, data.version, contract.latestVersion));
    }
    if (data.accountId !== contract.accountId) {
      throw new NonRetryableError(
        `contract ${data.contractId} belongs to account ${contract.accountId}, not ${data.accountId}`,
      );
    }
    const record: ContractVersionRecord = {
      version: data.version,
      type,
      eventId,
      relevantDate: relevantDateOf(type, data),
      data,
    };
    await this.entitlements.addVersion(manager, data.contractId, record, now);
    const today = CalendarDate.ofInstant(now).toString();
    const asOf =
      contract.provisionedAsOf !== null && contract.provisionedAsOf > today
        ? contract.provisionedAsOf
        : today;
    if (record.relevantDate <= asOf) {
      await this.apply.execute(manager, contract, asOf);
      return;
    }
    const versions = await this.entitlements.versions(manager, data.contractId);
    await this.entitlements.markProvisioned(
      manager,
      data.contractId,
      contract.provisionedAsOf,
      nextChangeAfter(versions, contract.provisionedAsOf ?? undefined),
      now,
    );
  }
}
