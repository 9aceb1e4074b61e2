import { Injectable } from '@nestjs/common';
import { CalendarDate } from '@o2c/billing';
import { type DealClosedV1 } from '@o2c/contracts';
import { GroupCommit } from '@o2c/persistence';
import { DataSource, type EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { type ContractFacts } from '../domain/billability';
import { contractLinesOf } from '../domain/contract-lines';
import { type BillabilityProblem, type ClosedDeal, type DealStatus } from '../domain/deal';

/** One revision of a deal as stored: the deal as received (normalised), and where it stands. */
export interface DealRecord {
  readonly id: string;
  readonly dealId: string;
  readonly revision: number;
  readonly kind: ClosedDeal['kind'];
  readonly status: DealStatus;
  readonly accountId: string;
  readonly contractId: string | null;
  readonly amends: string | null;
  readonly deal: ClosedDeal;
  readonly problems: BillabilityProblem[];
  readonly receivedAt: Date;
}

/** Who asked for an attempt: the CRM's webhook, operations' replay, or the acceptance of the deal a held change amends. */
export type AttemptSource = 'webhook' | 'replay' | 'release';
/** What an attempt came to; `duplicate` (webhook) and `unchanged` (replay) changed nothing. */
export type AttemptOutcome = DealStatus | 'duplicate' | 'unchanged';

export interface DealAttempt {
  readonly revision: number;
  readonly source: AttemptSource;
  readonly outcome: AttemptOutcome;
  readonly problems: BillabilityProblem[];
  readonly at: Date;
}

/** An accepted deal of a contract: the `o2c.deal.closed.v1` data its acceptance recorded, and when. */
export interface AcceptedDeal {
  readonly event: DealClosedV1;
  readonly acceptedAt: Date;
}

/** A contract as the deals accepted for it tell it. */
export interface StoredContract extends ContractFacts {
  readonly contractId: string;
  /** Its accepted deals in the order they were accepted; of several accepted revisions of a deal, the first. */
  readonly accepted: readonly AcceptedDeal[];
}

export interface DealDecision {
  readonly status: DealStatus;
  readonly contractId: string | null;
  readonly problems: BillabilityProblem[];
}

interface DealRow {
  id: string;
  deal_id: string;
  revision: number;
  kind: ClosedDeal['kind'];
  status: DealStatus;
  account_id: string;
  contract_id: string | null;
  amends: string | null;
  body: ClosedDeal;
  reasons: BillabilityProblem[];
  received_at: Date;
}

const COLUMNS = `id, deal_id, revision, kind, status, account_id, contract_id, amends, body, reasons, received_at`;
/**
 * The revisions of deal `$1`, by its unique key. A lookup that also filters on the status reads them through this
 * (a materialised CTE, planned on its own): the filter `status = 'accepted'` matches the partial index
 * `deal_contract_accepted`, and planned from statistics older than the table's rows, PostgreSQL read that whole
 * index (every accepted deal ever, 632 entries a lookup on average over 1,000 deals) to intersect it with the deal's
 * one or two revisions.
 */
const REVISIONS_OF_DEAL = `SELECT ${COLUMNS} FROM deal WHERE deal_id = $1`;

/** The newest revision of each deal: what the exception queue shows and replays. */
const LATEST = `NOT EXISTS (SELECT 1 FROM deal newer WHERE newer.deal_id = deal.deal_id AND newer.revision > deal.revision)`;

function toRecord(row: DealRow): DealRecord {
  return {
    id: row.id,
    dealId: row.deal_id,
    revision: row.revision,
    kind: row.kind,
    status: row.status,
    accountId: row.account_id,
    contractId: row.contract_id,
    amends: row.amends,
    deal: row.body,
    problems: row.reasons,
    receivedAt: row.received_at,
  };
}

/** Deals as received, with their status and every attempt at them; SQL lives here only. */
@Injectable()
export class DealRepository {
  private readonly intakes: GroupCommit;

  constructor(private readonly dataSource: DataSource) {
    this.intakes = new GroupCommit(dataSource);
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /**
   * A transaction shared with the intakes that arrive while another is being committed (a group commit, see
   * `GroupCommit`): one commit for several webhook calls under load. Answers after the commit.
   */
  intakeTransaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.intakes.run(work);
  }

  /** A transaction that sees one snapshot and can write nothing (PostgreSQL refuses any write in it). */
  readOnlyTransaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      await manager.query('SET TRANSACTION READ ONLY');
      return work(manager);
    });
  }

  /**
   * Serialises, until the transaction ends, everything done to the deals of one contract (named by
   * the deal that creates it): a held amendment and the acceptance that releases it never miss each other.
   */
  async lockContract(manager: EntityManager, originalDealId: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
      `o2c.deals.contract:${originalDealId}`,
    ]);
  }

  async findRevision(
    manager: EntityManager,
    dealId: string,
    revision: number,
  ): Promise<DealRecord | undefined> {
    const rows = await manager.query<DealRow[]>(
      `SELECT ${COLUMNS} FROM deal WHERE deal_id = $1 AND revision = $2`,
      [dealId, revision],
    );
    return rows[0] && toRecord(rows[0]);
  }

  /** The newest revision of a deal; locked for the transaction with `forUpdate`. */
  async findLatest(
    manager: EntityManager,
    dealId: string,
    forUpdate = false,
  ): Promise<DealRecord | undefined> {
    const rows = await manager.query<DealRow[]>(
      `SELECT ${COLUMNS} FROM deal WHERE deal_id = $1 ORDER BY revision DESC LIMIT 1${forUpdate ? ' FOR UPDATE' : ''}`,
      [dealId],
    );
    return rows[0] && toRecord(rows[0]);
  }

  /** Another revision of the same deal that was accepted already, if any. */
  async acceptedOtherRevision(
    manager: EntityManager,
    dealId: string,
    revision: number,
  ): Promise<DealRecord | undefined> {
    const rows = await manager.query<DealRow[]>(
      `WITH revisions AS MATERIALIZED (${REVISIONS_OF_DEAL})
       SELECT * FROM revisions WHERE revision <> $2 AND status = 'accepted' ORDER BY revision LIMIT 1`,
      [dealId, revision],
    );
    return rows[0] && toRecord(rows[0]);
  }

  /** The newest revision of a deal, outside any transaction (for reading). */
  latest(dealId: string): Promise<DealRecord | undefined> {
    return this.findLatest(this.dataSource.manager, dealId);
  }

  /**
   * Stores a new revision as decided, with its attempt and, once accepted, its event and its place in the order of
   * acceptance (what `recordAttempt` and `markAccepted` do for a stored one), in one statement; false, storing
   * nothing, when the same deal id and revision is stored already.
   */
  async insert(
    manager: EntityManager,
    deal: ClosedDeal,
    plain: object,
    decision: DealDecision,
    attempt: { source: AttemptSource; at: Date },
    /** The accepted revision's event; absent for any other decision. */
    event?: DealClosedV1,
  ): Promise<boolean> {
    const inserted = await manager.query<{ id: string }[]>(
      `WITH inserted AS (
         INSERT INTO deal (id, deal_id, revision, kind, status, account_id, contract_id, amends, body, reasons,
                           received_at, accepted_seq, accepted_at, closed)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,
                 CASE WHEN $12::jsonb IS NULL THEN NULL ELSE nextval('deal_accepted_seq') END,
                 CASE WHEN $12::jsonb IS NULL THEN NULL ELSE $11::timestamptz END, $12::jsonb)
         ON CONFLICT (deal_id, revision) DO NOTHING RETURNING id
       ), attempt AS (
         INSERT INTO deal_attempt (id, deal_id, revision, source, outcome, reasons, at)
         SELECT $13, $2, $3, $14, $5, $10, $11 FROM inserted
       )
       SELECT id FROM inserted`,
      [
        uuidv7(),
        deal.id,
        deal.revision,
        deal.kind,
        decision.status,
        deal.account.id,
        decision.contractId,
        deal.amends ?? null,
        JSON.stringify(plain),
        JSON.stringify(decision.problems),
        attempt.at.toISOString(),
        event === undefined ? null : JSON.stringify(event),
        uuidv7(),
        attempt.source,
      ],
    );
    return inserted.length > 0;
  }

  async update(manager: EntityManager, record: DealRecord, decision: DealDecision): Promise<void> {
    await manager.query(`UPDATE deal SET status = $2, contract_id = $3, reasons = $4 WHERE id = $1`, [
      record.id,
      decision.status,
      decision.contractId,
      JSON.stringify(decision.problems),
    ]);
  }

  async recordAttempt(
    manager: EntityManager,
    deal: { dealId: string; revision: number },
    attempt: Omit<DealAttempt, 'revision'>,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO deal_attempt (id, deal_id, revision, source, outcome, reasons, at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        uuidv7(),
        deal.dealId,
        deal.revision,
        attempt.source,
        attempt.outcome,
        JSON.stringify(attempt.problems),
        attempt.at.toISOString(),
      ],
    );
  }

  /** The held changes of the contract `originalDealId` creates, newest revisions only, in the order received; locked. */
  async heldChangesOf(manager: EntityManager, originalDealId: string): Promise<DealRecord[]> {
    const rows = await manager.query<DealRow[]>(
      `SELECT ${COLUMNS} FROM deal WHERE amends = $1 AND status = 'held' AND ${LATEST} ORDER BY id FOR UPDATE`,
      [originalDealId],
    );
    return rows.map(toRecord);
  }

  /** Records what an accepted revision became (its event), when, and its place in the order of acceptance. */
  async markAccepted(
    manager: EntityManager,
    deal: { dealId: string; revision: number },
    event: DealClosedV1,
    at: Date,
  ): Promise<void> {
    await manager.query(
      `UPDATE deal SET accepted_seq = nextval('deal_accepted_seq'), accepted_at = $3, closed = $4
        WHERE deal_id = $1 AND revision = $2`,
      [deal.dealId, deal.revision, at.toISOString(), JSON.stringify(event)],
    );
  }

  /** What the accepted deals tell of the contract the accepted deal `amends` belongs to; undefined while there is none. */
  async contractOf(manager: EntityManager, amends: string): Promise<StoredContract | undefined> {
    const named = await manager.query<{ contract_id: string }[]>(
      `WITH revisions AS MATERIALIZED (${REVISIONS_OF_DEAL})
       SELECT contract_id FROM revisions WHERE status = 'accepted' AND contract_id IS NOT NULL
        ORDER BY revision DESC LIMIT 1`,
      [amends],
    );
    const contractId = named[0]?.contract_id;
    if (!contractId) return undefined;
    const deals = await manager.query<
      (Pick<DealRow, 'deal_id' | 'kind' | 'body'> & {
        closed: DealClosedV1 | null;
        accepted_at: Date | null;
      })[]
    >(
      `SELECT deal_id, kind, body, closed, accepted_at FROM deal WHERE contract_id = $1 AND status = 'accepted'
        ORDER BY accepted_seq NULLS FIRST, id`,
      [contractId],
    );
    const original = deals.find((d) => d.kind === 'new');
    if (!original) return undefined;
    const terms = deals
      .filter((d) => (d.kind === 'new' || d.kind === 'renewal') && d.body.terms)
      .map(({ body }) => ({
        startDate: CalendarDate.parse(body.terms!.startDate),
        termMonths: body.terms!.termMonths,
        autoRenew: body.terms!.autoRenew,
        ...(body.terms!.renewalTermMonths !== undefined
          ? { renewalTermMonths: body.terms!.renewalTermMonths }
          : {}),
      }));
    const seen = new Set<string>();
    const accepted: AcceptedDeal[] = [];
    for (const d of deals) {
      if (d.closed === null || seen.has(d.deal_id)) continue;
      seen.add(d.deal_id);
      accepted.push({ event: d.closed, acceptedAt: d.accepted_at! });
    }
    return {
      contractId,
      originalDealId: original.deal_id,
      currency: original.body.currency,
      terms,
      lines: contractLinesOf(accepted.map((a) => a.event)),
      accepted,
    };
  }

  /** Newest first, by the id each revision got on arrival (UUIDv7, time-ordered); `before` is the cursor. */
  async list(options: { status?: DealStatus; before?: string; limit: number }): Promise<DealRecord[]> {
    const rows = await this.dataSource.query<DealRow[]>(
      `SELECT ${COLUMNS} FROM deal
        WHERE ${LATEST} AND ($1::text IS NULL OR status = $1) AND ($2::uuid IS NULL OR id < $2)
        ORDER BY id DESC LIMIT $3`,
      [options.status ?? null, options.before ?? null, options.limit],
    );
    return rows.map(toRecord);
  }

  /** The deal ids whose newest revision has `status`, oldest first. */
  async idsWithStatus(status: DealStatus): Promise<string[]> {
    const rows = await this.dataSource.query<{ deal_id: string }[]>(
      `SELECT deal_id FROM deal WHERE ${LATEST} AND status = $1 ORDER BY id`,
      [status],
    );
    return rows.map((r) => r.deal_id);
  }

  /** Every attempt at every revision of a deal, in the order they happened. */
  async attemptsOf(dealId: string): Promise<DealAttempt[]> {
    const rows = await this.dataSource.query<
      {
        revision: number;
        source: AttemptSource;
        outcome: AttemptOutcome;
        reasons: BillabilityProblem[];
        at: Date;
      }[]
    >(`SELECT revision, source, outcome, reasons, at FROM deal_attempt WHERE deal_id = $1 ORDER BY at, id`, [
      dealId,
    ]);
    return rows.map((r) => ({
      revision: r.revision,
      source: r.source,
      outcome: r.outcome,
      problems: r.reasons,
      at: r.at,
    }));
  }
}
