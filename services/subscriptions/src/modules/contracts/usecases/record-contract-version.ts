import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '@o2c/clock';
import { type CalendarDate, type ContractVersion, renewAutomatically } from '@o2c/billing';
import {
  type CatalogEntrySnapshotV1,
  type ChargeIdentity,
  contractEventOf,
  type ContractChangeSourceV1,
  type ContractStateV1,
  type DealAccountV1,
  type DealClosedV1,
} from '@o2c/contracts';
import { Outbox } from '@o2c/messaging';
import { type EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { ContractRepository } from '../infra/contract.repository';

/**
 * Stores a new version of a contract and records its `o2c.subscription.*.v1` in the outbox, in the
 * caller's transaction. A line keeps its charge id and catalog entry across versions; a new line gets both
 * from the deal.
 */
@Injectable()
export class RecordContractVersion {
  constructor(
    private readonly contracts: ContractRepository,
    private readonly outbox: Outbox,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async record(
    manager: EntityManager,
    next: ContractVersion,
    context: {
      contractId: string;
      accountId: string;
      account?: DealAccountV1;
      source: ContractChangeSourceV1;
      previous?: ContractStateV1;
      catalogOfNewLines?: ReadonlyMap<string, CatalogEntrySnapshotV1>;
      /** The contract's history after this event (`ContractStateV1.history`); with `next.version` in it. */
      history: number[];
      /** The deal that made (or restated) the version, kept to replay the history. */
      deal?: DealClosedV1;
    },
  ): Promise<ContractStateV1> {
    const known = new Map<string, ChargeIdentity>(
      (context.previous?.charges ?? []).map((charge) => [
        charge.dealLineId,
        { chargeId: charge.chargeId, catalog: charge.catalog },
      ]),
    );
    const charge = (lineId: string): ChargeIdentity => {
      const existing = known.get(lineId);
      if (existing) return existing;
      const catalog = context.catalogOfNewLines?.get(lineId);
      if (!catalog) throw new Error(`line ${lineId} has no catalog entry`);
      const identity = { chargeId: uuidv7(), catalog };
      known.set(lineId, identity);
      return identity;
    };
    const event = contractEventOf(next, { ...context, charge });
    const data = { ...event.data, history: context.history };
    await this.contracts.append(manager, {
      eventType: event.type,
      data,
      ...(context.source.kind === 'deal'
        ? { dealId: context.source.dealId!, revision: context.source.revision! }
        : {}),
      ...(context.deal === undefined ? {} : { deal: context.deal }),
      at: this.clock.now(),
    });
    await this.outbox.record(manager, {
      type: event.type,
      key: context.accountId,
      subject: `contract/${context.contractId}`,
      data,
    });
    return data;
  }

  /**
   * The automatic renewals (billing rules §7) of a contract whose term ended on or before `date`, a term at a
   * time, each recorded with its event; returns the version then current, its state, and how many were made.
   */
  async renewThrough(
    manager: EntityManager,
    contractId: string,
    from: { current: ContractVersion; previous: ContractStateV1 },
    date: CalendarDate,
  ): Promise<{ current: ContractVersion; previous: ContractStateV1; renewed: number }> {
    let { current, previous } = from;
    let renewed = 0;
    while (current.status === 'active' && current.term.autoRenew && !date.isBefore(current.term.end)) {
      const next = renewAutomatically(current);
      const before = previous.history ?? Array.from({ length: previous.version }, (_, index) => index + 1);
      previous = await this.record(manager, next, {
        contractId,
        accountId: previous.accountId,
        ...(previous.account === undefined ? {} : { account: previous.account }),
        source: { kind: 'auto_renewal' },
        previous,
        history: [...before, next.version],
      });
      current = next;
      renewed += 1;
    }
    return { current, previous, renewed };
  }
}
