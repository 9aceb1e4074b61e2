import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { databaseOnServer, dropDatabase, ensureDatabase } from '@o2c/persistence';
import { Client } from 'pg';

const run = promisify(execFile);

/** What the pipeline asked of PostgreSQL per deal, from the databases' own statistics. */
export interface DatabaseWork {
  readonly rowsWrittenPerDeal: number;
  readonly rowsReadPerDeal: number;
  readonly commitsPerDeal: number;
}

interface DatabaseCounters {
  readonly written: number;
  readonly read: number;
  readonly commits: number;
}

/** pg_stat_database counters of `databases`, summed (the statistics collector lags by up to a second). */
export async function databaseCounters(
  serverUrl: string,
  databases: readonly string[],
): Promise<DatabaseCounters> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ written: string; read: string; commits: string }>(
      `SELECT coalesce(sum(tup_inserted + tup_updated + tup_deleted), 0) AS written,
              coalesce(sum(tup_returned + tup_fetched), 0) AS read,
              coalesce(sum(xact_commit), 0) AS commits
         FROM pg_stat_database WHERE datname = ANY($1)`,
      [databases],
    );
    return {
      written: Number(rows[0]!.written),
      read: Number(rows[0]!.read),
      commits: Number(rows[0]!.commits),
    };
  } finally {
    await client.end();
  }
}

/** The server's version and whether autovacuum runs: without it, tables keep their dead rows and planner statistics stay as they were. */
export async function postgresServer(serverUrl: string): Promise<{ version: string; autovacuum: string }> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ version: string; autovacuum: string }>(
      `SELECT current_setting('server_version') AS version, current_setting('autovacuum') AS autovacuum`,
    );
    return rows[0]!;
  } finally {
    await client.end();
  }
}

export function perDeal(before: DatabaseCounters, after: DatabaseCounters, deals: number): DatabaseWork {
  const round = (n: number) => Math.round((n / deals) * 10) / 10;
  return {
    rowsWrittenPerDeal: round(after.written - before.written),
    rowsReadPerDeal: round(after.read - before.read),
    commitsPerDeal: round(after.commits - before.commits),
  };
}

export interface PostgresLimit {
  /** Deals per second PostgreSQL sustains writing a deal's rows, `dealsPerTransaction` deals a transaction. */
  readonly batchedDealsPerSecond: number;
  readonly dealsPerTransaction: number;
  /** The same rows, with o2c's own number of commits per deal. */
  readonly unbatchedDealsPerSecond: number;
  readonly rowsPerDeal: number;
  readonly rowBytes: number;
  readonly clients: number;
  readonly seconds: number;
}

async function pgbench(
  serverUrl: string,
  database: string,
  script: string,
  clients: number,
  seconds: number,
): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'o2c-pgbench-'));
  try {
    const file = join(dir, 'deal.sql');
    writeFileSync(file, script);
    const url = new URL(serverUrl);
    const { stdout } = await run(
      'pgbench',
      [
        '-n',
        '-h',
        url.hostname,
        '-p',
        url.port || '5432',
        '-U',
        decodeURIComponent(url.username || 'postgres'),
        '-c',
        String(clients),
        '-j',
        String(Math.min(clients, 2)),
        '-T',
        String(seconds),
        '-f',
        file,
        database,
      ],
      { env: { ...process.env, PGPASSWORD: decodeURIComponent(url.password) } },
    );
    const match = /tps = ([\d.]+)/.exec(stdout);
    if (!match) throw new Error(`pgbench printed no tps:\n${stdout}`);
    return Number(match[1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * PostgreSQL on this machine writing what a deal writes: `rowsPerDeal` rows of `rowBytes` each (inserted
 * into an indexed table with a jsonb payload, as outbox and inbox rows are), first `dealsPerTransaction`
 * deals to a transaction, then spread over `commitsPerDeal` transactions per deal as o2c does today.
 */
export async function postgresLimit(
  serverUrl: string,
  work: { rowsPerDeal: number; rowBytes: number; commitsPerDeal: number },
  options: { clients: number; seconds: number; dealsPerTransaction: number },
): Promise<PostgresLimit> {
  const location = databaseOnServer(serverUrl, `o2c_bench_limit_${process.pid}`);
  await ensureDatabase(location);
  try {
    const client = new Client({ connectionString: location.url });
    await client.connect();
    await client.query(
      `CREATE TABLE IF NOT EXISTS deal_row (id bigserial PRIMARY KEY, key text NOT NULL, payload jsonb NOT NULL);
       CREATE INDEX IF NOT EXISTS deal_row_key ON deal_row (key)`,
    );
    await client.end();
    const rows = Math.max(1, Math.round(work.rowsPerDeal));
    const payloadChars = Math.max(1, Math.round(work.rowBytes) - 16);
    const insert = (count: number) =>
      `INSERT INTO deal_row (key, payload) SELECT md5(random()::text), jsonb_build_object('p', repeat('x', ${payloadChars})) FROM generate_series(1, ${count});\n`;
    const batched = `BEGIN;\n${insert(rows * options.dealsPerTransaction)}COMMIT;\n`;
    const commits = Math.max(1, Math.round(work.commitsPerDeal));
    const perCommit = Math.max(1, Math.round(rows / commits));
    const unbatched = Array.from({ length: commits }, () => `BEGIN;\n${insert(perCommit)}COMMIT;\n`).join('');
    const batchedTps = await pgbench(
      location.url,
      location.database,
      batched,
      options.clients,
      options.seconds,
    );
    const unbatchedTps = await pgbench(
      location.url,
      location.database,
      unbatched,
      options.clients,
      options.seconds,
    );
    const round = (n: number) => Math.round(n * 10) / 10;
    return {
      batchedDealsPerSecond: round(batchedTps * options.dealsPerTransaction),
      dealsPerTransaction: options.dealsPerTransaction,
      unbatchedDealsPerSecond: round(unbatchedTps),
      rowsPerDeal: rows,
      rowBytes: Math.round(work.rowBytes),
      clients: options.clients,
      seconds: options.seconds,
    };
  } finally {
    await dropDatabase(location);
  }
}

export interface KafkaLimit {
  readonly produceMessagesPerSecond: number;
  readonly consumeMessagesPerSecond: number;
  readonly messageBytes: number;
  readonly messages: number;
}

function kafkaJars(): string {
  const cache = process.env.O2C_CACHE ?? join(homedir(), '.cache', 'o2c');
  return join(cache, 'kafka', process.env.KAFKA_VERSION ?? '4.1.1', '*');
}

async function kafkaTool(mainClass: string, args: string[]): Promise<string> {
  const { stdout } = await run(
    'java',
    ['-Xmx512m', '-Djava.awt.headless=true', '-cp', kafkaJars(), mainClass, ...args],
    { maxBuffer: 16 * 1024 * 1024, timeout: 600_000 },
  );
  return stdout;
}

/**
 * The broker on this machine producing and consuming `messages` messages of `messageBytes` (acks=all, as
 * o2c's producers), with Kafka's own performance tools, on a topic of 6 partitions made for the purpose.
 */
export async function kafkaLimit(
  brokers: string,
  topic: string,
  messageBytes: number,
  messages: number,
): Promise<KafkaLimit> {
  const bootstrap = brokers.split(',')[0]!;
  const produced = await kafkaTool('org.apache.kafka.tools.ProducerPerformance', [
    '--topic',
    topic,
    '--num-records',
    String(messages),
    '--record-size',
    String(Math.max(1, Math.round(messageBytes))),
    '--throughput',
    '-1',
    '--producer-props',
    `bootstrap.servers=${bootstrap}`,
    'acks=all',
  ]);
  // "50000 records sent, 41806.0 records/sec (13.40 MB/sec), …" is the last line.
  const sent = /records sent, ([\d.]+) records\/sec/.exec(produced.split('\n').filter(Boolean).at(-1) ?? '');
  if (!sent) throw new Error(`ProducerPerformance printed no rate:\n${produced}`);
  const consumed = await kafkaTool('org.apache.kafka.tools.ConsumerPerformance', [
    '--bootstrap-server',
    bootstrap,
    '--topic',
    topic,
    '--messages',
    String(messages),
    '--timeout',
    '60000',
  ]);
  // start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, …
  const lines = consumed.split('\n').filter((l) => /^\d{4}-/.test(l.trim()));
  const fields = (lines.at(-1) ?? '').split(',').map((f) => f.trim());
  const rate = Number(fields[5]);
  if (!Number.isFinite(rate)) throw new Error(`ConsumerPerformance printed no rate:\n${consumed}`);
  return {
    produceMessagesPerSecond: Number(sent[1]),
    consumeMessagesPerSecond: Math.round(rate * 10) / 10,
    messageBytes: Math.round(messageBytes),
    messages,
  };
}

export interface TableScans {
  readonly database: string;
  readonly table: string;
  readonly seqScans: number;
  readonly seqRowsRead: number;
  readonly indexScans: number;
  readonly rows: number;
}

/**
 * Per table of `databaseUrls`' databases: sequential scans and the rows they read, index scans, live rows
 * (pg_stat_user_tables). The tables read most by sequential scans first: where a deal's reads go.
 */
export async function tableScans(databaseUrls: readonly string[]): Promise<TableScans[]> {
  const all: TableScans[] = [];
  for (const url of databaseUrls) {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{
        db: string;
        relname: string;
        seq_scan: string;
        seq_tup_read: string;
        idx_scan: string | null;
        n_live_tup: string;
      }>(
        `SELECT current_database() AS db, relname, seq_scan, seq_tup_read, idx_scan, n_live_tup FROM pg_stat_user_tables`,
      );
      for (const r of rows)
        all.push({
          database: r.db,
          table: r.relname,
          seqScans: Number(r.seq_scan),
          seqRowsRead: Number(r.seq_tup_read),
          indexScans: Number(r.idx_scan ?? 0),
          rows: Number(r.n_live_tup),
        });
    } finally {
      await client.end();
    }
  }
  return all.sort((a, b) => b.seqRowsRead - a.seqRowsRead);
}
