import { Injectable, Logger } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { type FailureReason, RunFailureRepository } from './run-failure.repository';

/** One item of a run: what it is, the contract it belongs to, and the run's as-of date. */
export interface RunItem {
  /** The run's name, as `GET /v1/admin/run-failures?run=` takes it: `renewal`, `bill-run`, `overdue`, … */
  readonly run: string;
  readonly itemId: string;
  readonly contractId: string;
  readonly asOf: string;
}

/** An item a run skipped: why, and how many runs in a row it failed in. */
export type ItemFailure = FailureReason & { readonly attempts: number };

export type ItemOutcome<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly failure: ItemFailure };

/**
 * One item at a time inside a run's batch: an item that fails is recorded with its reason and set aside, and
 * never holds the others back; the next run tries it again, and its failure is resolved once it succeeds.
 */
@Injectable()
export class RunFailures {
  private readonly logger = new Logger(RunFailures.name);

  constructor(private readonly repository: RunFailureRepository) {}

  /**
   * Runs `work` for one item in a transaction of its own: a savepoint when `manager` is in the batch's
   * transaction (PostgreSQL aborts the whole transaction on a failed statement unless it is rolled back to
   * one), else a new transaction. A success resolves the item's open failure in the same transaction; a
   * failure undoes only the item's changes and is recorded through `manager`.
   */
  async attempt<T>(
    manager: EntityManager,
    item: RunItem,
    work: (manager: EntityManager) => Promise<T>,
    /** `open: false`: the caller knows the item has no open failure (from `openItems`), so none is resolved. */
    known: { open?: boolean } = {},
  ): Promise<ItemOutcome<T>> {
    try {
      const value = await manager.transaction(async (itemManager) => {
        const result = await work(itemManager);
        if (known.open !== false) await this.repository.resolve(itemManager, item.run, item.itemId);
        return result;
      });
      return { ok: true, value };
    } catch (error) {
      const failure = await this.repository.record(manager, item, error);
      this.logger.error({
        msg: 'run: an item failed and was set aside; the next run tries it again',
        ...item,
        err: failure.error,
        ...(failure.code === undefined ? {} : { code: failure.code }),
        attempts: failure.attempts,
      });
      return { ok: false, failure };
    }
  }

  /**
   * Runs `together` for several items in one savepoint (one round trip for what they write alike, instead of one
   * per item); a success resolves the open failures among them (`open`) and gives each item's value. If it fails,
   * nothing of it stays and nothing is recorded: the answer is undefined, and the caller runs each item on its
   * own through `attempt`, so that only what fails on its own is recorded and set aside.
   */
  async attemptTogether<T>(
    manager: EntityManager,
    items: readonly RunItem[],
    together: (manager: EntityManager) => Promise<T[]>,
    open: ReadonlySet<string>,
  ): Promise<T[] | undefined> {
    if (items.length === 0) return [];
    try {
      return await manager.transaction(async (batchManager) => {
        const results = await together(batchManager);
        if (results.length !== items.length) {
          throw new Error(`a run's batch gave ${results.length} results for ${items.length} items`);
        }
        for (const item of items) {
          if (open.has(item.itemId)) await this.repository.resolve(batchManager, item.run, item.itemId);
        }
        return results;
      });
    } catch (error) {
      this.logger.warn({
        msg: 'run: a batch failed and was undone; its items are tried one by one',
        run: items[0]!.run,
        items: items.length,
        err: error,
      });
      return undefined;
    }
  }

  /** The items whose failure in `run` is still open: the run tries them again, due or not. */
  openItems(manager: EntityManager, run: string): Promise<string[]> {
    return this.repository.openItems(manager, run);
  }
}
