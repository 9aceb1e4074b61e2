import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '@o2c/clock';
import { type DealClosedV1, EventTypes } from '@o2c/contracts';
import { Outbox } from '@o2c/messaging';
import { instanceToPlain } from 'class-transformer';
import { type EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { closedEventOf, type ContractLine } from '../../domain/contract-lines';
import { type ClosedDeal } from '../../domain/deal';
import {
  type AttemptSource,
  type DealDecision,
  type DealRecord,
  DealRepository,
} from '../../infra/deal.repository';
import { CheckDealHandler } from '../check-deal/check-deal.handler';
import { countDealWebhook } from './deal-webhook.metrics';
import {
  type AcceptDealCommand,
  type AcceptStoredDeal,
  type AcceptWebhookDeal,
  type DealState,
  type StoredDealResult,
  type WebhookDealResult,
} from './accept-deal.command';

/** The SKU and catalog entry of each line of an accepted deal, by position. */
type Lines = readonly ContractLine[];

/** The deal that creates the contract a deal belongs to: the deals of one contract are decided one at a time. */
function originalDealIdOf(deal: { id: string; amends?: string }): string {
  return deal.amends ?? deal.id;
}

function stateOf(deal: { id: string; revision: number }, decision: DealDecision): DealState {
  return { dealId: deal.id, revision: deal.revision, ...decision };
}

function stateOfRecord(record: DealRecord): DealState {
  return {
    dealId: record.dealId,
    revision: record.revision,
    status: record.status,
    contractId: record.contractId,
    problems: record.problems,
  };
}

/**
 * Intake of one closed deal, from the webhook or replayed by operations, with the same checks and
 * the same idempotency: a deal id and revision seen before changes nothing; a billable deal is
 * stored (or updated) with its `o2c.deal.closed.v1` event in one transaction, and the changes held
 * for it (they came before it) are decided right after it in that transaction, in the order they
 * came; a change whose contract does not exist yet is held; any other deal is kept as rejected
 * with every reason. Every attempt is recorded with its outcome.
 */
@Injectable()
export class AcceptDealHandler {
  constructor(
    private readonly deals: DealRepository,
    private readonly checkDeal: CheckDealHandler,
    private readonly outbox: Outbox,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute(command: AcceptWebhookDeal): Promise<WebhookDealResult>;
  execute(command: AcceptStoredDeal): Promise<StoredDealResult>;
  execute(command: AcceptDealCommand): Promise<WebhookDealResult | StoredDealResult> {
    switch (command.source) {
      case 'webhook':
        return this.intake(command.deal);
      case 'replay':
        return this.replay(command.dealId);
    }
  }

  private async intake(deal: ClosedDeal): Promise<WebhookDealResult> {
    return countDealWebhook(await this.intakeOnce(deal));
  }

  private async intakeOnce(deal: ClosedDeal): Promise<WebhookDealResult> {
    // Shared with the calls that arrive meanwhile (one commit for several under load).
    const first = await this.deals.intakeTransaction(
      async (manager): Promise<WebhookDealResult | undefined> => {
        await this.deals.lockContract(manager, originalDealIdOf(deal));
        const seen = await this.deals.findRevision(manager, deal.id, deal.revision);
        if (seen) return this.duplicate(manager, seen);
        const { decision, lines } = await this.decide(manager, deal);
        const plain = instanceToPlain(deal) as ClosedDeal;
        const event =
          decision.status === 'accepted' ? closedEventOf(plain, decision.contractId!, lines) : undefined;
        // The revision, its attempt and its acceptance are one statement; then its event and what it releases.
        const attempt = { source: 'webhook' as const, at: this.clock.now() };
        if (!(await this.deals.insert(manager, deal, plain, decision, attempt, event))) return undefined;
        if (event) await this.announce(manager, plain, event);
        return { outcome: 'decided', deal: stateOf(deal, decision) };
      },
    );
    if (first) return first;
    // Another request with the same deal id and revision got in first; answer as it stands.
    return this.deals.transaction(async (manager) =>
      this.duplicate(manager, (await this.deals.findRevision(manager, deal.id, deal.revision))!),
    );
  }

  private async duplicate(manager: EntityManager, seen: DealRecord): Promise<WebhookDealResult> {
    await this.deals.recordAttempt(manager, seen, {
      source: 'webhook',
      outcome: 'duplicate',
      problems: [],
      at: this.clock.now(),
    });
    return { outcome: 'duplicate', deal: stateOfRecord(seen) };
  }

  private replay(dealId: string): Promise<StoredDealResult> {
    return this.deals.transaction(async (manager): Promise<StoredDealResult> => {
      const found = await this.deals.findLatest(manager, dealId);
      if (!found) return { outcome: 'not_found', dealId };
      await this.deals.lockContract(manager, found.amends ?? found.dealId);
      const record = (await this.deals.findLatest(manager, dealId, true))!;
      if (record.status === 'accepted') {
        await this.deals.recordAttempt(manager, record, {
          source: 'replay',
          outcome: 'unchanged',
          problems: [],
          at: this.clock.now(),
        });
        return { outcome: 'unchanged', deal: stateOfRecord(record) };
      }
      return {
        outcome: 'decided',
        previousStatus: record.status,
        deal: await this.reconsider(manager, record, 'replay'),
      };
    });
  }

  /** Decides a stored rejected or held revision again, with the catalog and contracts as they are now. */
  private async reconsider(
    manager: EntityManager,
    record: DealRecord,
    source: AttemptSource,
  ): Promise<DealState> {
    const { decision, lines } = await this.decide(manager, record.deal);
    await this.deals.update(manager, record, decision);
    await this.decided(manager, record.deal, decision, lines, source);
    return stateOf(record.deal, decision);
  }

  private async decide(
    manager: EntityManager,
    deal: ClosedDeal,
  ): Promise<{ decision: DealDecision; lines: Lines }> {
    const { problems, contract, lines } = await this.checkDeal.execute(manager, deal);
    if (problems.length > 0)
      return { decision: { status: 'rejected', contractId: null, problems }, lines: [] };
    // No problems: every line's SKU and catalog entry is known once the contract is (a new deal needs none).
    const known = lines as Lines;
    if (deal.kind === 'new')
      return { decision: { status: 'accepted', contractId: uuidv7(), problems }, lines: known };
    if (contract)
      return { decision: { status: 'accepted', contractId: contract.contractId, problems }, lines: known };
    // The CRM sent the change before the deal it amends (deal-webhook.md): held until that is accepted.
    const why = { path: 'amends', message: `deal ${deal.amends} is not accepted yet; held until it is` };
    return { decision: { status: 'held', contractId: null, problems: [why] }, lines: [] };
  }

  /** What follows the decision on a stored revision: its attempt and, once accepted, its acceptance and event. */
  private async decided(
    manager: EntityManager,
    deal: ClosedDeal,
    decision: DealDecision,
    lines: Lines,
    source: AttemptSource,
  ): Promise<void> {
    await this.deals.recordAttempt(
      manager,
      { dealId: deal.id, revision: deal.revision },
      { source, outcome: decision.status, problems: decision.problems, at: this.clock.now() },
    );
    if (decision.status !== 'accepted') return;
    const event = closedEventOf(deal, decision.contractId!, lines);
    await this.deals.markAccepted(
      manager,
      { dealId: deal.id, revision: deal.revision },
      event,
      this.clock.now(),
    );
    await this.announce(manager, deal, event);
  }

  /** An accepted revision's event into the outbox, then the changes held for it decided again, in the order they came. */
  private async announce(manager: EntityManager, deal: ClosedDeal, event: DealClosedV1): Promise<void> {
    await this.outbox.record(manager, {
      type: EventTypes.dealClosed,
      key: deal.account.id,
      subject: `deal/${deal.id}`,
      data: event,
    });
    for (const held of await this.deals.heldChangesOf(manager, deal.id)) {
      await this.reconsider(manager, held, 'release');
    }
  }
}
