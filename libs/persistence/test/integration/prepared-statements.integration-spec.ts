import { randomBytes } from 'node:crypto';
import { createServer, Socket, type AddressInfo, type Server } from 'node:net';
import { Client, Pool } from 'pg';
import { DataSource } from 'typeorm';
import {
  databaseOnServer,
  dropDatabase,
  ensureDatabase,
  preparingClient,
  serviceDataSourceOptions,
  type DatabaseLocation,
} from '../../src';

describe('preparingClient, on the real PostgreSQL', () => {
  let database: DatabaseLocation;
  const open: Client[] = [];

  beforeAll(async () => {
    database = databaseOnServer(
      process.env.DATABASE_URL!,
      `o2c_test_prepared_${randomBytes(4).toString('hex')}`,
    );
    await ensureDatabase(database);
    const setup = new Client({ connectionString: database.url });
    await setup.connect();
    await setup.query('CREATE TABLE item (id int PRIMARY KEY, name text NOT NULL)');
    await setup.end();
  });

  afterAll(async () => {
    await Promise.all(open.map((c) => c.end()));
    if (database) await dropDatabase(database);
  });

  async function connect(Class: typeof Client): Promise<Client> {
    const client = new Class({ connectionString: database.url });
    await client.connect();
    open.push(client);
    return client;
  }

  /** The statements prepared on `client`'s own connection. */
  async function prepared(client: Client): Promise<{ name: string; statement: string }[]> {
    const { rows } = await client.query<{ name: string; statement: string }>(
      'SELECT name, statement FROM pg_prepared_statements ORDER BY name',
    );
    return rows;
  }

  it('prepares each statement with parameters once per connection, under one name for one text', async () => {
    const Preparing = preparingClient();
    const [a, b] = [await connect(Preparing), await connect(Preparing)];
    const insert = 'INSERT INTO item (id, name) VALUES ($1, $2) RETURNING name';
    expect((await a.query(insert, [1, 'one'])).rows).toEqual([{ name: 'one' }]);
    expect((await a.query(insert, [2, 'two'])).rows).toEqual([{ name: 'two' }]);
    await b.query(insert, [3, 'three']);
    const onA = await prepared(a);
    expect(onA).toEqual([
      { name: expect.stringMatching(/^o2c_[0-9a-f]{24}$/) as unknown, statement: insert },
    ]);
    expect(await prepared(b)).toEqual(onA);
    // Without parameters: the simple protocol, nothing prepared.
    expect((await a.query('SELECT count(*)::int AS n FROM item')).rows).toEqual([{ n: 3 }]);
    expect(await prepared(a)).toEqual(onA);
  });

  it('answers as an unprepared statement does, errors included, and the connection goes on', async () => {
    const client = await connect(preparingClient());
    const plain = await connect(Client);
    const read = 'SELECT id, name FROM item WHERE id = ANY($1::int[]) ORDER BY id';
    expect((await client.query(read, [[1, 3]])).rows).toEqual((await plain.query(read, [[1, 3]])).rows);
    const insert = 'INSERT INTO item (id, name) VALUES ($1, $2)';
    await expect(client.query(insert, [1, 'again'])).rejects.toThrow(/duplicate key value/);
    await expect(client.query(insert, [4, null])).rejects.toThrow(/null value in column "name"/);
    await client.query(insert, [4, 'four']);
    expect((await client.query(read, [[4]])).rows).toEqual([{ id: 4, name: 'four' }]);
    // A statement that PostgreSQL refuses to prepare is not remembered as prepared.
    const wrong = 'SELECT name FROM no_such_table WHERE id = $1';
    await expect(client.query(wrong, [1])).rejects.toThrow(/does not exist/);
    await expect(client.query(wrong, [1])).rejects.toThrow(/does not exist/);
  });

  it('prepares the first texts up to its limit, and runs any other unprepared', async () => {
    const client = await connect(preparingClient(2));
    for (const column of ['id', 'name', 'id + 1']) {
      await client.query(`SELECT ${column} FROM item WHERE id = $1`, [1]);
    }
    expect((await prepared(client)).map((p) => p.statement).sort()).toEqual([
      'SELECT id FROM item WHERE id = $1',
      'SELECT name FROM item WHERE id = $1',
    ]);
    expect((await client.query('SELECT id + 1 AS next FROM item WHERE id = $1', [1])).rows).toEqual([
      { next: 2 },
    ]);
  });

  /**
   * Prepares a read of table `table` while it holds two rows (analysed, as autovacuum does a young table), runs it
   * eight times, grows the table to 30,000 rows that nothing analyses, and returns the plan of its next execution,
   * with the session's plan cache mode.
   */
  async function planAfterGrowth(table: string, session?: string): Promise<{ mode: string; plan: string }> {
    const client = await connect(preparingClient());
    if (session) await client.query(session);
    await client.query(`CREATE TABLE ${table} (id serial PRIMARY KEY, contract_id text NOT NULL, body text NOT NULL)
                        WITH (autovacuum_enabled = false)`);
    await client.query(`CREATE INDEX ${table}_contract ON ${table} (contract_id)`);
    await client.query(`INSERT INTO ${table} (contract_id, body) VALUES ('c-1', 'x'), ('c-2', 'x')`);
    await client.query(`ANALYZE ${table}`);
    const read = `SELECT id FROM ${table} WHERE contract_id = ANY($1::text[])`;
    for (let i = 0; i < 8; i += 1) await client.query(read, [['c-1']]);
    await client.query(
      `INSERT INTO ${table} (contract_id, body) SELECT 'c-' || g, repeat('x', 200) FROM generate_series(3, 30000) g`,
    );
    const { name } = (await prepared(client)).find((p) => p.statement === read)!;
    const { rows } = await client.query(`EXPLAIN (FORMAT JSON) EXECUTE ${name}('{c-4242}')`);
    const mode = (await client.query<{ plan_cache_mode: string }>('SHOW plan_cache_mode')).rows[0]!
      .plan_cache_mode;
    return { mode, plan: JSON.stringify(rows[0] as object) };
  }

  it('plans each execution for its values, so a statement prepared on a small table reads it by index once large', async () => {
    const { mode, plan } = await planAfterGrowth('doc_ours');
    expect(mode).toBe('force_custom_plan');
    expect(plan).toContain('doc_ours_contract');
    expect(plan).not.toContain('Seq Scan');
  });

  it('(a plan kept from when the table was small, a generic plan as the default mode may choose, scans it whole)', async () => {
    const { mode, plan } = await planAfterGrowth('doc_kept', 'SET plan_cache_mode = force_generic_plan');
    expect(mode).toBe('force_generic_plan');
    expect(plan).toContain('Seq Scan');
  });

  /**
   * A TCP proxy to the test's PostgreSQL that resets the client's connection as soon as the client sends a text
   * containing `cut`: a connection lost in the middle of that statement.
   */
  async function cuttingProxy(cut: string): Promise<{ url: string; close: () => Promise<void> }> {
    const target = new URL(database.url);
    const sockets = new Set<Socket>();
    const server: Server = createServer((client) => {
      const upstream = new Socket();
      sockets.add(client).add(upstream);
      upstream.connect(Number(target.port || 5432), target.hostname);
      client.on('data', (chunk: Buffer) => {
        if (chunk.includes(cut)) {
          client.resetAndDestroy();
          upstream.destroy();
        } else upstream.write(chunk);
      });
      upstream.on('data', (chunk: Buffer) => client.write(chunk));
      for (const socket of [client, upstream]) socket.on('error', () => undefined);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = new URL(database.url);
    url.hostname = '127.0.0.1';
    url.port = String((server.address() as AddressInfo).port);
    return {
      url: url.toString(),
      close: async () => {
        for (const socket of sockets) socket.destroy();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      },
    };
  }

  it('fails the connect, and only the connect, when the connection is lost while its session is set', async () => {
    const proxy = await cuttingProxy('plan_cache_mode');
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown): void => void uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    const pool = new Pool({ connectionString: proxy.url, Client: preparingClient(), max: 1 });
    try {
      await expect(pool.connect()).rejects.toThrow(/ECONNRESET|Connection terminated/);
      // The lost connection's error event, if nobody listened, would surface here.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(uncaught).toEqual([]);
      expect(pool.totalCount).toBe(0);
    } finally {
      process.off('uncaughtException', onUncaught);
      await pool.end();
      await proxy.close();
    }
  });

  it("is the connection of a service's DataSource, unless turned off", async () => {
    const statement = 'SELECT name FROM item WHERE id = $1';
    for (const preparedStatements of [true, false]) {
      const dataSource = new DataSource(
        serviceDataSourceOptions({
          location: database,
          entities: [],
          migrations: [],
          poolSize: 1,
          preparedStatements,
        }),
      );
      await dataSource.initialize();
      try {
        await dataSource.query(statement, [1]);
        const rows = await dataSource.query<{ statement: string }[]>(
          'SELECT statement FROM pg_prepared_statements',
        );
        const texts = rows.map((r) => r.statement);
        // TypeORM's own statements with parameters (its look at the migrations table) are prepared too.
        if (preparedStatements) expect(texts).toContain(statement);
        else expect(texts).toEqual([]);
      } finally {
        await dataSource.destroy();
      }
    }
  });
});
