import { type DataSource, type EntityManager } from 'typeorm';

/** A unit of work run in a transaction it may share with others. */
export type TransactionWork<T> = (manager: EntityManager) => Promise<T>;

interface Unit {
  readonly work: TransactionWork<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * The queue of a group commit: items added while a group is being handled wait for it and form the next one, so
 * that the groups grow with the load; an item alone waits for nothing but a turn of the event loop (items added in
 * the same turn go together). `size` says how many of the waiting items the next group takes (at least one).
 * `handle` settles every item of its group; should it throw, `failed` settles them with that error.
 */
export class Grouping<T> {
  private readonly waiting: T[] = [];
  private draining = false;

  constructor(
    private readonly handle: (group: T[]) => Promise<void>,
    private readonly failed: (group: readonly T[], error: unknown) => void,
    private readonly size: (waiting: readonly T[]) => number,
  ) {}

  add(item: T): void {
    this.waiting.push(item);
    if (this.draining) return;
    this.draining = true;
    void this.drain();
  }

  /** Handles the waiting items, a group at a time, until none waits. Never throws. */
  private async drain(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    while (this.waiting.length > 0) {
      const group = this.waiting.splice(0, Math.max(1, this.size(this.waiting)));
      try {
        await this.handle(group);
      } catch (error) {
        this.failed(group, error);
      }
    }
    // Set in the same turn as the last look at the queue: an item added after it starts a new drain.
    this.draining = false;
  }
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
  private readonly units: Grouping<Unit>;

  constructor(
    private readonly dataSource: DataSource,
    limit = 16,
  ) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new Error(`limit must be a whole number ≥ 1, not ${limit}`);
    this.units = new Grouping(
      (group) => this.commit(group),
      (group, error) => group.forEach((unit) => unit.reject(error)),
      () => limit,
    );
  }

  /** Runs `work` in the next group's transaction; resolves with its result after the commit. */
  run<T>(work: TransactionWork<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.units.add({ work, resolve: resolve as (value: unknown) => void, reject });
    });
  }

  /** Commits a group's units together; when that fails, runs each alone. Settles every unit. */
  private async commit(group: Unit[]): Promise<void> {
    let results: unknown[];
    try {
      results = await this.dataSource.transaction(async (manager) => {
        const values: unknown[] = [];
        for (const { work } of group) values.push(await work(manager));
        return values;
      });
    } catch (error) {
      if (group.length === 1) group[0]!.reject(error);
      else for (const unit of group) await this.alone(unit);
      return;
    }
    for (const [index, unit] of group.entries()) unit.resolve(results[index]);
  }

  private async alone(unit: Unit): Promise<void> {
    try {
      unit.resolve(await this.dataSource.transaction(unit.work));
    } catch (error) {
      unit.reject(error);
    }
  }
}
