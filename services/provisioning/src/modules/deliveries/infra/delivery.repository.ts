import { Inject, Injectable } from '@nestjs/common';
import { type TraceHeaders, traceHeadersOf } from '@o2c/observability';
import { type EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { PROVISIONING_SETTINGS, type ProvisioningSettings } from '../../../config/provisioning-settings';

export type DeliveryStatus = 'pending' | 'delivered' | 'dead';
export type AttemptOutcome = 'delivered' | 'retry' | 'dead';

/** A webhook to send: one entitlement change of one product. */
export interface NewDelivery {
  readonly accountId: string;
  readonly contractId: string;
  readonly product: string;
  readonly type: string;
  /** The exact body, as signed. */
  readonly payload: string;
}

export interface DueDelivery {
  readonly id: string;
  readonly product: string;
  readonly type: string;
  readonly payload: string;
  readonly attempts: number;
  readonly roundAttempts: number;
  /** The trace of the change it announces. */
  readonly trace: TraceHeaders;
}

export interface AttemptRecord {
  readonly url: string | undefined;
  readonly attemptedAt: Date;
  readonly durationMs: number;
  readonly statusCode?: number;
  readonly error?: string;
  readonly response?: string;
  readonly retryAfterMs?: number;
  readonly outcome: AttemptOutcome;
  readonly nextAttemptAt?: Date;
}

export interface AttemptView {
  attempt: number;
  url: string | null;
  attemptedAt: string;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  response: string | null;
  retryAfterMs: number | null;
  outcome: AttemptOutcome;
  nextAttemptAt: string | null;
}

export interface DeliveryView {
  id: string;
  accountId: string;
  contractId: string;
  product: string;
  type: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  payload: unknown;
  log: AttemptView[];
}

interface DeliveryRow {
  id: string;
  account_id: string;
  contract_id: string;
  product: string;
  type: string;
  payload: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Date | null;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
}

interface AttemptRow {
  delivery_id: string;
  attempt: number;
  url: string | null;
  attempted_at: Date;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
  response: string | null;
  retry_after_ms: string | null;
  outcome: AttemptOutcome;
  next_attempt_at: Date | null;
}

const iso = (date: Date | null): string | null => date?.toISOString() ?? null;

/**
 * The delivery table: webhooks are written in the transaction of the change they announce (an outbox of
 * their own, so none is lost), then sent by the worker, one transaction per attempt, every attempt logged.
 */
@Injectable()
export class DeliveryRepository {
  constructor(@Inject(PROVISIONING_SETTINGS) private readonly settings: ProvisioningSettings) {}

  /**
   * Queues the deliveries of products that have an endpoint, in the trace of the active span (the event or
   * run that made the change); returns the ids queued.
   */
  async enqueue(manager: EntityManager, deliveries: readonly NewDelivery[], now: Date): Promise<string[]> {
    const ids: string[] = [];
    const { traceparent, tracestate } = traceHeadersOf();
    for (const delivery of deliveries) {
      if (!this.settings.targets.has(delivery.product)) continue;
      const id = uuidv7();
      await manager.query(
        `INSERT INTO delivery (id, account_id, contract_id, product, type, payload, status, next_attempt_at, created_at,
                               traceparent, tracestate)
         VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $7, $8, $9)`,
        [
          id,
          delivery.accountId,
          delivery.contractId,
          delivery.product,
          delivery.type,
          delivery.payload,
          now,
          traceparent ?? null,
          tracestate ?? null,
        ],
      );
      ids.push(id);
    }
    return ids;
  }

  /**
   * Locks the next due delivery, skipping those another worker holds, so no two deliver one. A delivery
   * waits while an earlier one of the same contract and product is pending: a product receives the
   * changes of an entitlement in the order they were made.
   */
  async claimNext(manager: EntityManager, now: Date): Promise<DueDelivery | undefined> {
    const rows = await manager.query<
      {
        id: string;
        product: string;
        type: string;
        payload: string;
        attempts: number;
        round_attempts: number;
        traceparent: string | null;
        tracestate: string | null;
      }[]
    >(
      `SELECT d.id, d.product, d.type, d.payload, d.attempts, d.round_attempts, d.traceparent, d.tracestate
         FROM delivery d
        WHERE d.status = 'pending' AND d.next_attempt_at <= $1
          AND NOT EXISTS (
            SELECT 1 FROM delivery e
             WHERE e.contract_id = d.contract_id AND e.product = d.product AND e.status = 'pending' AND e.seq < d.seq)
        ORDER BY d.next_attempt_at, d.seq
        LIMIT 1
        FOR UPDATE SKIP LOCKED`,
      [now],
    );
    const row = rows[0];
    return (
      row && {
        id: row.id,
        product: row.product,
        type: row.type,
        payload: row.payload,
        attempts: row.attempts,
        roundAttempts: row.round_attempts,
        trace: {
          ...(row.traceparent ? { traceparent: row.traceparent } : {}),
          ...(row.tracestate ? { tracestate: row.tracestate } : {}),
        },
      }
    );
  }

  async recordAttempt(manager: EntityManager, delivery: DueDelivery, attempt: AttemptRecord): Promise<void> {
    const number = delivery.attempts + 1;
    await manager.query(
      `INSERT INTO delivery_attempt (delivery_id, attempt, url, attempted_at, duration_ms, status_code, error, response,
                                     retry_after_ms, outcome, next_attempt_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        delivery.id,
        number,
        attempt.url ?? null,
        attempt.attemptedAt,
        attempt.durationMs,
        attempt.statusCode ?? null,
        attempt.error ?? null,
        attempt.response ?? null,
        attempt.retryAfterMs ?? null,
        attempt.outcome,
        attempt.nextAttemptAt ?? null,
      ],
    );
    const status: DeliveryStatus = attempt.outcome === 'retry' ? 'pending' : attempt.outcome;
    const error =
      attempt.outcome === 'delivered' ? null : (attempt.error ?? `answered ${String(attempt.statusCode)}`);
    await manager.query(
      `UPDATE delivery
          SET status = $2, attempts = $3, round_attempts = round_attempts + 1, next_attempt_at = $4,
              last_error = $5, delivered_at = CASE WHEN $2 = 'delivered' THEN $6::timestamptz ELSE delivered_at END
        WHERE id = $1`,
      [delivery.id, status, number, attempt.nextAttemptAt ?? null, error, attempt.attemptedAt],
    );
  }

  /**
   * Makes a delivery due now with a fresh round of attempts, whatever its state (a dead one after the
   * product is fixed, a delivered one the product lost); false when there is no such delivery.
   */
  async replay(manager: EntityManager, id: string, now: Date): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      `UPDATE delivery SET status = 'pending', round_attempts = 0, next_attempt_at = $2 WHERE id = $1 RETURNING id`,
      [id, now],
    );
    // TypeORM answers an UPDATE … RETURNING with [rows, count].
    const updated = Array.isArray(rows[0]) ? (rows[0] as unknown[]) : rows;
    return updated.length > 0;
  }

  async find(manager: EntityManager, id: string): Promise<DeliveryView | undefined> {
    const rows = await manager.query<DeliveryRow[]>(`SELECT * FROM delivery WHERE id = $1`, [id]);
    return rows[0] && (await this.views(manager, rows))[0];
  }

  /** Every delivery to the account's products, oldest first, each with every attempt. */
  async forAccount(manager: EntityManager, accountId: string): Promise<DeliveryView[]> {
    const rows = await manager.query<DeliveryRow[]>(
      `SELECT * FROM delivery WHERE account_id = $1 ORDER BY seq`,
      [accountId],
    );
    return this.views(manager, rows);
  }

  private async views(manager: EntityManager, rows: DeliveryRow[]): Promise<DeliveryView[]> {
    const attempts =
      rows.length === 0
        ? []
        : await manager.query<AttemptRow[]>(
            `SELECT * FROM delivery_attempt WHERE delivery_id = ANY($1::uuid[]) ORDER BY delivery_id, attempt`,
            [rows.map((r) => r.id)],
          );
    return rows.map((row) => ({
      id: row.id,
      accountId: row.account_id,
      contractId: row.contract_id,
      product: row.product,
      type: row.type,
      status: row.status,
      attempts: row.attempts,
      nextAttemptAt: iso(row.next_attempt_at),
      lastError: row.last_error,
      createdAt: row.created_at.toISOString(),
      deliveredAt: iso(row.delivered_at),
      payload: JSON.parse(row.payload) as unknown,
      log: attempts
        .filter((a) => a.delivery_id === row.id)
        .map((a) => ({
          attempt: a.attempt,
          url: a.url,
          attemptedAt: a.attempted_at.toISOString(),
          durationMs: a.duration_ms,
          statusCode: a.status_code,
          error: a.error,
          response: a.response,
          retryAfterMs: a.retry_after_ms === null ? null : Number(a.retry_after_ms),
          outcome: a.outcome,
          nextAttemptAt: iso(a.next_attempt_at),
        })),
    }));
  }
}
