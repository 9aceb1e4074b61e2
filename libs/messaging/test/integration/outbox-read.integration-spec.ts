import { randomBytes, randomUUID } from 'node:crypto';
import { databaseOnServer, dropDatabase, ensureDatabase, type DatabaseLocation } from '@o2c/persistence';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { MARK_AND_READ, messagingMigrations, RELAY_SESSION, UNPUBLISHED_ROWS } from '../../src';

// The relay reads the outbox for unpublished rows after every commit. Rows it published leave dead entries in the
// partial index of unpublished rows until the table is vacuumed; here autovacuum is off for the table (as it is on
// some servers) and the table was never analysed, as a young outbox is not.
const PUBLISHED = 3_000;

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Shared Hit Blocks': number;
  'Shared Read Blocks': number;
  Plans?: PlanNode[];
}

function nodes(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(nodes)];
}

describe("the outbox relay's read of the unpublished rows, on the real PostgreSQL", () => {
  let database: DatabaseLocation;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = databaseOnServer(
      process.env.DATABASE_URL!,
      `o2c_test_outbox_read_${randomBytes(4).toString('hex')}`,
    );
    await ensureDatabase(database);
    dataSource = new DataSource({
      type: 'postgres',
      url: database.url,
      migrations: messagingMigrations,
      migrationsRun: true,
    });
    await dataSource.initialize();
    await dataSource.query(`ALTER TABLE outbox SET (autovacuum_enabled = false)`);
    await dataSource.query(
      `INSERT INTO outbox (id, topic, key, type, source, time, data)
       SELECT gen_random_uuid(), 'o2c.test', 'k-' || g, 'o2c.test.v1', 'test', now(),
              jsonb_build_object('seq', g, 'padding', repeat('x', 300))
         FROM generate_series(1, ${PUBLISHED}) g`,
    );
    await dataSource.query(`UPDATE outbox SET published_at = now()`);
    await dataSource.query(
      `INSERT INTO outbox (id, topic, key, type, source, time, data)
       SELECT gen_random_uuid(), 'o2c.test', 'k-new', 'o2c.test.v1', 'test', now(), '{}' FROM generate_series(1, 3)`,
    );
  }, 60_000);

  afterAll(async () => {
    await dataSource?.destroy();
    if (database) await dropDatabase(database);
  });

  /** Runs the relay's read twice on a fresh connection set up as `session` says; the second read's plan. */
  async function secondRead(
    session?: string,
    read: { text: string; values: unknown[] } = { text: UNPUBLISHED_ROWS, values: [200] },
  ): Promise<{ rows: number; plan: PlanNode[] }> {
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      if (session) await client.query(session);
      const explain = async () =>
        (
          await client.query<{ 'QUERY PLAN': [{ Plan: PlanNode; 'Actual Rows'?: number }] }>(
            `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${read.text}`,
            read.values,
          )
        ).rows[0]!['QUERY PLAN'][0].Plan;
      await explain();
      const plan = await explain();
      const { rows } = await client.query(read.text, read.values);
      return { rows: rows.length, plan: nodes(plan) };
    } finally {
      await client.end();
    }
  }

  const pages = (plan: PlanNode[]) => plan[0]!['Shared Hit Blocks'] + plan[0]!['Shared Read Blocks'];

  it('(planned from the missing statistics alone, the read visits every published row again, each time)', async () => {
    const { rows, plan } = await secondRead();
    expect(rows).toBe(3);
    // What the session settings avoid: the heap pages of all 3,000 published rows, on every read. (First: the
    // relay's index scan marks the dead entries, after which any plan would skip them.)
    expect(plan.some((n) => /Bitmap/.test(n['Node Type']))).toBe(true);
    expect(pages(plan)).toBeGreaterThan(100);
  });
  it('walks the index of unpublished rows and, once it has passed the published ones, no longer visits them', async () => {
    const { rows, plan } = await secondRead(RELAY_SESSION);
    expect(rows).toBe(3);
    expect(plan.map((n) => n['Index Name']).filter(Boolean)).toEqual(['outbox_unpublished']);
    expect(plan.some((n) => /Bitmap|Seq Scan/.test(n['Node Type']))).toBe(false);
    expect(pages(plan)).toBeLessThan(20);
  });
  it('reads the same way when the read also marks the batch before it', async () => {
    const notInTable = [randomUUID(), randomUUID()];
    const { rows, plan } = await secondRead(RELAY_SESSION, {
      text: MARK_AND_READ,
      values: [200, notInTable],
    });
    expect(rows).toBe(3);
    const indexes = plan.map((n) => n['Index Name']).filter(Boolean);
    expect(indexes).toContain('outbox_unpublished');
    expect(plan.some((n) => /Bitmap|Seq Scan/.test(n['Node Type']))).toBe(false);
    expect(pages(plan)).toBeLessThan(20);
  });
});
