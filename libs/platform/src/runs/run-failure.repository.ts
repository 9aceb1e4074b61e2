import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '@o2c/clock';
import { describeError } from '@o2c/messaging';
import { DataSource, type EntityManager } from 'typeorm';

/** Which failures to list: those still open (the default), those a later run resolved, or both. */
export type RunFailureStatus = 'open' | 'resolved' | 'all';

/** An item a run could not process, as operations see it. */
export interface RunFailureView {
  readonly run: string;
  /** What failed: the contract (renewal, bill run, provisioning) or the invoice (overdue). */
  readonly itemId: string;
  readonly contractId: string;
  /** The as-of date of the latest run it failed in. */
  readonly asOf: string;
  /** `<error name>: <message>` of the latest failure. */
  readonly error: string;
  /** The error's code when it has one: the service's error code, or PostgreSQL's SQLSTATE. */
  readonly code: string | null;
  /** Failed attempts since it was last resolved. */
  readonly attempts: number;
  readonly firstFailedAt: string;
  readonly lastFailedAt: string;
  /** When a later run processed it; null while it is open. */
  readonly resolvedAt: string | null;
}

/** Why an item failed, as a run answers it. */
export interface FailureReason {
  readonly error: string;
  readonly code?: string;
}

/** The reason of a thrown value: its name and message, and its `code` when it has one. */
export function failureReasonOf(error: unknown): FailureReason {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return {
    error: describeError(error),
    ...(typeof code === 'string' || typeof code === 'number' ? { code: String(code) } : {}),
  };
}

interface RunFailureRow {
  run: string;
  item_id: string;
  contract_id: string;
  as_of: string;
  error: string;
  code: string | null;
  attempts: number;
  first_failed_at: Date;
  last_failed_at: Date;
  resolved_at: Date | null;
}

const COLUMNS = `run, item_id, contract_id, as_of::text AS as_of, error, code, attempts, first_failed_at,
  last_failed_at, resolved_at`;

/**
 * The items the service's runs could not process: each run records a failed item here and goes on with the
 * others, retries the open ones next time, and resolves one once it succeeds. One row per run and item; its
 * attempts count from the first failure after it was last resolved.
 */
@Injectable()
export class RunFailureRepository {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Records that `item` failed in a run for `asOf` (once more, if it is open already); answers the reason. */
  async record(
    manager: EntityManager,
    item: { run: string; itemId: string; contractId: string; asOf: string },
    error: unknown,
  ): Promise<FailureReason & { attempts: number }> {
    const reason = failureReasonOf(error);
    const [row] = await manager.query<{ attempts: number }[]>(
      `INSERT INTO run_failure (run, item_id, contract_id, as_of, error, code, attempts, first_failed_at, last_failed_at)
       VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7)
       ON CONFLICT (run, item_id) DO UPDATE SET
         contract_id = EXCLUDED.contract_id, as_of = EXCLUDED.as_of, error = EXCLUDED.error, code = EXCLUDED.code,
         attempts = CASE WHEN run_failure.resolved_at IS NULL THEN run_failure.attempts + 1 ELSE 1 END,
         first_failed_at = CASE WHEN run_failure.resolved_at IS NULL THEN run_failure.first_failed_at
                                ELSE EXCLUDED.first_failed_at END,
         last_failed_at = EXCLUDED.last_failed_at, resolved_at = NULL
       RETURNING attempts`,
      [
        item.run,
        item.itemId,
        item.contractId,
        item.asOf,
        reason.error,
        reason.code ?? null,
        this.clock.now().toISOString(),
      ],
    );
    return { ...reason, attempts: row!.attempts };
  }

  /** Marks the item's open failure, if any, resolved: the run has now processed it. */
  async resolve(manager: EntityManager, run: string, itemId: string): Promise<void> {
    await manager.query(
      `UPDATE run_failure SET resolved_at = $3 WHERE run = $1 AND item_id = $2 AND resolved_at IS NULL`,
      [run, itemId, this.clock.now().toISOString()],
    );
  }

  /** The items whose failure in `run` is open, oldest first: the run tries them again. */
  async openItems(manager: EntityManager, run: string): Promise<string[]> {
    const rows = await manager.query<{ item_id: string }[]>(
      `SELECT item_id FROM run_failure WHERE run = $1 AND resolved_at IS NULL ORDER BY first_failed_at, item_id`,
      [run],
    );
    return rows.map((row) => row.item_id);
  }

  /** The failures of `run` (every run's without it), oldest first. */
  async list(filter: { run?: string; status: RunFailureStatus }): Promise<RunFailureView[]> {
    const conditions: string[] = {
      open: ['resolved_at IS NULL'],
      resolved: ['resolved_at IS NOT NULL'],
      all: [],
    }[filter.status];
    const values: string[] = [];
    if (filter.run !== undefined) {
      values.push(filter.run);
      conditions.push(`run = $${values.length}`);
    }
    const rows = await this.dataSource.query<RunFailureRow[]>(
      `SELECT ${COLUMNS} FROM run_failure ${conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`}
        ORDER BY first_failed_at, run, item_id`,
      values,
    );
    return rows.map((row) => ({
      run: row.run,
      itemId: row.item_id,
      contractId: row.contract_id,
      asOf: row.as_of,
      error: row.error,
      code: row.code,
      attempts: row.attempts,
      firstFailedAt: row.first_failed_at.toISOString(),
      lastFailedAt: row.last_failed_at.toISOString(),
      resolvedAt: row.resolved_at?.toISOString() ?? null,
    }));
  }
}
