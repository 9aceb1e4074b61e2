import { type DataSource, type EntityManager } from 'typeorm';

/** A unit of work run in a transaction it may share with others. */
export type TransactionWork<T> = (manager: EntityManager) => Promise<T>;

interface Unit {
  readonly work: TransactionWork<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * A group commit: units of work submitted while another group is being committed wait for it and are then run
 * together, one after the other in the order they came, in one transaction with one commit (at most `limit` of
 * them). A unit alone waits for nothing but a turn of the event loop. Each caller gets its own unit's result once
 * the transaction has committed, never before.
 *
 * When anything in a group fails, the transaction is rolled back whole and each of its units is run again on its
 * own, in a transaction of its own: the unit that failed fails alone (its caller gets its error), the others
 * commit. So a unit must be safe to run twice when its first run was rolled back, which any unit that only
 * touches the database and the clock is.
 *
 * The units of a group hold their locks until the group commits: a unit that waits for a lock held by another
 * transaction holds up the group, and two transactions that take the same locks in different orders can
 * deadlock (PostgreSQL then cancels one: a group's units are run again alone).
 */
export class GroupCommit {
  private readonly queue: Unit[] = [];
  private draining = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly limit = 16,
  ) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new Error(`limit must be a whole number ≥ 1, not ${limit}`);
  }

  /** Runs `work` in the next group's transaction; resolves with its result after the commit. */
  run<T>(work: TransactionWork<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (this.draining) return;
      this.draining = true;
      void this.drain();
    });
  }

  /** Commits the waiting units, a group at a time, until none waits. Never throws: every unit is settled. */
  private async drain(): Promise<void> {
    // Units submitted in the same turn of the event loop go together.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.queue.length > 0) {
      const group = this.queue.splice(0, this.limit);
      let results: unknown[] | undefined;
      try {
        results = await this.dataSource.transaction(async (manager) => {
          const values: unknown[] = [];
          for (const { work } of group) values.push(await work(manager));
          return values;
        });
      } catch (error) {
        if (group.length === 1) group[0]!.reject(error);
        else for (const unit of group) await this.alone(unit);
        continue;
      }
      for (const [index, unit] of group.entries()) unit.resolve(results[index]);
    }
    this.draining = false;
  }

  private async alone(unit: Unit): Promise<void> {
    try {
      unit.resolve(await this.dataSource.transaction(unit.work));
    } catch (error) {
      unit.reject(error);
    }
  }
}
