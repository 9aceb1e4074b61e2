import { randomBytes } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import {
  databaseOnServer,
  dropDatabase,
  ensureDatabase,
  GroupCommit,
  type DatabaseLocation,
} from '../../src';

let location: DatabaseLocation;
let dataSource: DataSource;

beforeAll(async () => {
  location = databaseOnServer(process.env.DATABASE_URL!, `o2c_test_group_${randomBytes(4).toString('hex')}`);
  await ensureDatabase(location);
  dataSource = new DataSource({ type: 'postgres', url: location.url, entities: [] });
  await dataSource.initialize();
  await dataSource.query(
    'CREATE TABLE effect (name text PRIMARY KEY, tx bigint NOT NULL DEFAULT txid_current())',
  );
});

beforeEach(async () => {
  await dataSource.query('TRUNCATE effect');
});

afterAll(async () => {
  await dataSource.destroy();
  await dropDatabase(location);
});

/** Inserts `name` and answers it with the transaction it ran in. */
const insert = (name: string) => async (manager: EntityManager) => {
  const [row] = await manager.query<{ tx: string }[]>(
    'INSERT INTO effect (name) VALUES ($1) RETURNING tx::text',
    [name],
  );
  return { name, tx: row!.tx };
};

const stored = async () =>
  (
    await dataSource.query<{ name: string; tx: string }[]>('SELECT name, tx::text FROM effect ORDER BY name')
  ).map((r) => ({ name: r.name, tx: r.tx }));

it('runs units submitted together in one transaction, in their order, and answers each with its own result', async () => {
  const group = new GroupCommit(dataSource);
  const order: string[] = [];
  const results = await Promise.all(
    ['a', 'b', 'c'].map((name) =>
      group.run(async (manager) => {
        order.push(name);
        return insert(name)(manager);
      }),
    ),
  );
  expect(order).toEqual(['a', 'b', 'c']);
  expect(results.map((r) => r.name)).toEqual(['a', 'b', 'c']);
  expect(new Set(results.map((r) => r.tx)).size).toBe(1);
  expect(await stored()).toEqual(results);
});

it('answers only after the commit, and what arrives meanwhile goes into the next transaction', async () => {
  const group = new GroupCommit(dataSource);
  const first = group.run(insert('first'));
  await new Promise((resolve) => setImmediate(resolve)); // the first group has started
  const later = Promise.all([group.run(insert('later-1')), group.run(insert('later-2'))]);
  const { tx } = await first;
  // Answered after its commit: another connection sees the row.
  expect(await stored()).toContainEqual({ name: 'first', tx });
  const [one, two] = await later;
  expect(one.tx).toBe(two.tx);
  expect(one.tx).not.toBe(tx);
});

it('rolls a failing group back and runs each unit alone: the failing one fails, the others commit', async () => {
  const group = new GroupCommit(dataSource);
  let runs = 0;
  const outcomes = await Promise.allSettled([
    group.run(insert('kept-1')),
    group.run(async (manager) => {
      runs += 1;
      await insert('rolled-back')(manager);
      throw new Error('this unit fails');
    }),
    group.run(insert('kept-2')),
    // A statement that fails aborts the transaction as a thrown error does.
    group.run((manager) => manager.query('INSERT INTO effect (name) VALUES (NULL)')),
  ]);
  expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected']);
  expect((outcomes[1] as PromiseRejectedResult).reason).toEqual(new Error('this unit fails'));
  expect(String((outcomes[3] as PromiseRejectedResult).reason)).toMatch(/null value in column "name"/);
  expect(runs).toBe(2); // once in the group, once alone
  const rows = await stored();
  expect(rows.map((r) => r.name)).toEqual(['kept-1', 'kept-2']);
  // Alone, each in a transaction of its own.
  expect(rows[0]!.tx).not.toBe(rows[1]!.tx);
});

it('refuses a limit that is not a whole number of at least one', () => {
  expect(() => new GroupCommit(dataSource, 0)).toThrow('limit must be a whole number ≥ 1, not 0');
  expect(() => new GroupCommit(dataSource, 1.5)).toThrow('limit must be a whole number ≥ 1, not 1.5');
});

it('takes at most `limit` units in one transaction', async () => {
  const group = new GroupCommit(dataSource, 2);
  const results = await Promise.all(['a', 'b', 'c'].map((name) => group.run(insert(name))));
  expect(results[0]!.tx).toBe(results[1]!.tx);
  expect(results[2]!.tx).not.toBe(results[0]!.tx);
});
