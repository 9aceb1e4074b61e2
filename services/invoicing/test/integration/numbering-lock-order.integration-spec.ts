import { type RunningService } from '@o2c/testing';
import { type Client } from 'pg';
import { DataSource } from 'typeorm';
import { type InvoicingEnv } from '../../src/config/env.schema';
import {
  ContractBusyError,
  InvoicingRepository,
} from '../../src/modules/invoices/infra/invoicing.repository';
import { startInvoicing, stopInvoicing } from '../support/invoicing-test-kit';

// A consumer's group of events holds the numbering from its first document on. A bill run's chunk holds its
// contracts and then waits for the numbering. When the group's next event asks for a contract the chunk holds,
// waiting would close a circle (PostgreSQL would cancel one of the two after a second, and a chunk cancelled so
// would fail its contracts one by one, each after another second). The group's transaction gives up instead, at
// once, and the chunk goes on.

let sut: RunningService<InvoicingEnv>;
let db: Client;
let dataSource: DataSource;
let repository: InvoicingRepository;

beforeAll(async () => {
  ({ sut, db } = await startInvoicing());
  dataSource = sut.app.get(DataSource);
  repository = sut.app.get(InvoicingRepository);
});

afterAll(() => stopInvoicing({ sut, db }));

/** Resolves when `signal` is called: one transaction's cue to the other. */
function cue(): { reached: Promise<void>; signal: () => void } {
  let signal!: () => void;
  const reached = new Promise<void>((resolve) => (signal = resolve));
  return { reached, signal };
}

async function waitingForALock(): Promise<void> {
  for (;;) {
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    if (rows[0]!.n > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('a transaction holding the numbering asks for a contract a bill run holds', () => {
  it('gives up at once, naming the contract, and the bill run takes the number', async () => {
    const chunkHoldsB = cue();
    const groupHoldsNumbering = cue();
    const chunkWaits = cue();

    // The bill run's chunk: contract B, then the numbering.
    const chunk = dataSource.transaction(async (manager) => {
      expect(await repository.tryLockContracts(manager, ['c-B'])).toEqual(new Set(['c-B']));
      chunkHoldsB.signal();
      await groupHoldsNumbering.reached;
      const numbers = repository.nextNumbers(manager, 'main', 'INV', 2026, 1);
      chunkWaits.signal();
      return numbers;
    });

    // The consumer's group: contract A and a number for its first event, then contract B for its next one.
    await chunkHoldsB.reached;
    const group = dataSource.transaction(async (manager) => {
      await repository.lockContract(manager, 'c-A');
      const first = await repository.nextNumber(manager, 'main', 'INV', 2026);
      groupHoldsNumbering.signal();
      await chunkWaits.reached;
      await waitingForALock();
      await repository.lockContract(manager, 'c-B');
      return first;
    });

    await expect(group).rejects.toThrow(ContractBusyError);
    await expect(group).rejects.toThrow(/^contract c-B is held by another transaction/);
    // The group's number went back with its rollback: the chunk's is the first.
    await expect(chunk).resolves.toEqual(['INV-2026-000001']);
  });

  it('waits for the contract as before when it holds no number', async () => {
    const chunkHoldsC = cue();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const holder = dataSource.transaction(async (manager) => {
      await repository.lockContract(manager, 'c-C');
      chunkHoldsC.signal();
      await released;
    });
    await chunkHoldsC.reached;
    const waiter = dataSource.transaction(async (manager) => {
      await repository.lockContract(manager, 'c-C');
      return repository.nextNumber(manager, 'main', 'INV', 2027);
    });
    await waitingForALock();
    release();
    await holder;
    await expect(waiter).resolves.toBe('INV-2027-000001');
  });
});
