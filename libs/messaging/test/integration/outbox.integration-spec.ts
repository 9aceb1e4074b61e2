import { randomBytes, randomUUID } from 'node:crypto';
import { databaseOnServer, dropDatabase, ensureDatabase, type DatabaseLocation } from '@o2c/persistence';
import { Client, type Notification } from 'pg';
import { DataSource } from 'typeorm';
import { Outbox, OUTBOX_CHANNEL } from '../../src';
import { COUNTED, startCountingApp, type CountingApp } from './support/counting-app';
import { waitFor } from './support/wait';

const TOPIC = 'o2c.test.outbox';

// The outbox's write, as a use case makes it: several events in one statement, in order, woken relays once.
describe('Outbox.recordAll, on the real PostgreSQL', () => {
  let database: DatabaseLocation;
  let app: CountingApp;
  let db: Client;
  const notifications: Notification[] = [];

  beforeAll(async () => {
    database = databaseOnServer(
      process.env.DATABASE_URL!,
      `o2c_test_outbox_${randomBytes(4).toString('hex')}`,
    );
    await ensureDatabase(database);
    // No relay and no consumer: the rows stay as written.
    app = await startCountingApp(database, `o2c.test.${randomUUID()}`, { relay: false, consume: false });
    db = new Client({ connectionString: database.url });
    await db.connect();
    db.on('notification', (n) => notifications.push(n));
    await db.query(`LISTEN ${OUTBOX_CHANNEL}`);
  });

  afterAll(async () => {
    await db?.end();
    await app?.close();
    if (database) await dropDatabase(database);
  });

  const outbox = () => app.app.get(Outbox);
  const dataSource = () => app.app.get(DataSource);
  const rows = async () =>
    (
      await db.query<{ id: string; key: string; data: { seq: number }; source: string }>(
        'SELECT id, key, data, source FROM outbox ORDER BY position',
      )
    ).rows;

  it('writes the events in the order given, returns their ids in it, and wakes the relays once, at commit', async () => {
    const events = [3, 1, 2].map((seq) => ({
      type: COUNTED,
      topic: TOPIC,
      key: `acct-${seq}`,
      data: { account: `acct-${seq}`, seq },
    }));
    notifications.length = 0;
    let idsBeforeCommit: string[] = [];
    await dataSource().transaction(async (manager) => {
      idsBeforeCommit = await outbox().recordAll(manager, events);
      expect(await rows()).toEqual([]); // not visible before the commit
    });
    const stored = await rows();
    expect(stored.map((row) => row.id)).toEqual(idsBeforeCommit);
    expect(stored.map((row) => row.data.seq)).toEqual([3, 1, 2]);
    expect(stored.map((row) => row.key)).toEqual(['acct-3', 'acct-1', 'acct-2']);
    await waitFor(
      () => Promise.resolve(notifications),
      (received) => received.length >= 1,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(notifications.filter((n) => n.channel === OUTBOX_CHANNEL)).toHaveLength(1);
  });

  it('stores the data of each event exactly as given: quotes, backslashes, braces and commas, other scripts', async () => {
    const accounts = ['a"b', 'c\\d\\"e', '{"x": [1, 2]}', 'Zürich, “Ltd”', '東京\u2028\t'];
    const events = accounts.map((account, seq) => ({
      type: COUNTED,
      topic: TOPIC,
      key: `k-${seq}`,
      data: { account, seq: seq + 1 },
    }));
    let ids: string[] = [];
    await dataSource().transaction(async (manager) => {
      ids = await outbox().recordAll(manager, events);
    });
    const stored = await db.query<{ data: { account: string; seq: number } }>(
      'SELECT data FROM outbox WHERE id = ANY($1::uuid[]) ORDER BY position',
      [ids],
    );
    expect(stored.rows.map((row) => row.data)).toEqual(
      accounts.map((account, seq) => ({ account, seq: seq + 1 })),
    );
  });

  it('records nothing when one event of the list is invalid, and says which', async () => {
    const before = (await rows()).length;
    await expect(
      dataSource().transaction((manager) =>
        outbox().recordAll(manager, [
          { type: COUNTED, topic: TOPIC, key: 'acct-9', data: { account: 'acct-9', seq: 9 } },
          { type: COUNTED, topic: TOPIC, key: 'acct-9', data: { account: 'acct-9', seq: 0 } },
        ]),
      ),
    ).rejects.toThrow(/seq/);
    expect(await rows()).toHaveLength(before);
  });

  it('refuses to write outside a transaction', async () => {
    await expect(
      outbox().record(dataSource().manager, {
        type: COUNTED,
        topic: TOPIC,
        key: 'a',
        data: { account: 'a', seq: 1 },
      }),
    ).rejects.toThrow('Outbox.record needs the EntityManager of an open transaction');
  });

  it('writes nothing and wakes nobody for no events', async () => {
    notifications.length = 0;
    const before = (await rows()).length;
    await dataSource().transaction(async (manager) => {
      expect(await outbox().recordAll(manager, [])).toEqual([]);
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await rows()).toHaveLength(before);
    expect(notifications).toHaveLength(0);
  });
});
