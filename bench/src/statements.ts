import { existsSync, readFileSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Topics } from '@o2c/contracts';
import { Client } from 'pg';
import { cpuMeter } from './proc';
import { now, serialLatency } from './scenarios';
import { SERVICES, serviceCpuProbes, startStack } from './stack';
import { EventWatch } from './watch';

const USAGE = `npm run statements -- [options]
  --deals N   new deals posted one at a time, each waited for until its invoice and licence exist (default 10)
  --log FILE  PostgreSQL's server log (default: pg_current_logfile(), else Debian's postgresql-<major>-main.log)

Counts the SQL statements each service sends per deal: the four databases of a fresh stack log every statement
(log_statement = all, set on those databases only; needs a superuser, as the benchmark's pgbench does), and the
lines of the server log written while the deals flow are counted, per database and per statement; and each
service's CPU time per deal over the same deals (from /proc).`;

/** Statements per deal, per service, each with the statements that make it up (their first 100 characters). */
export function countStatements(
  log: string,
  databases: Record<string, string>,
  deals: number,
): Record<string, { perDeal: number; statements: Record<string, number> }> {
  const serviceOf = new Map(Object.entries(databases).map(([service, database]) => [database, service]));
  const counts: Record<string, Record<string, number>> = {};
  for (const line of log.split('\n')) {
    const match = /@(\S+) LOG: {2}(?:statement|execute [^:]*): (.*)$/.exec(line);
    const service = match && serviceOf.get(match[1]!);
    if (!service) continue;
    const sql = match[2]!.replace(/\s+/g, ' ').trim().slice(0, 100);
    counts[service] ??= {};
    counts[service][sql] = (counts[service][sql] ?? 0) + 1;
  }
  const round = (n: number) => Math.round((n / deals) * 10) / 10;
  return Object.fromEntries(
    Object.entries(counts).map(([service, statements]) => [
      service,
      {
        perDeal: round(Object.values(statements).reduce((a, b) => a + b, 0)),
        statements: Object.fromEntries(
          Object.entries(statements)
            .sort((a, b) => b[1] - a[1])
            .map(([sql, n]) => [sql, round(n)]),
        ),
      },
    ]),
  );
}

async function serverLog(pg: Client, given: string | undefined): Promise<string> {
  if (given) return given;
  const { rows } = await pg.query<{ file: string | null; dir: string; major: string }>(
    `SELECT pg_current_logfile() AS file, current_setting('data_directory') AS dir,
            split_part(current_setting('server_version'), '.', 1) AS major`,
  );
  const { file, dir, major } = rows[0]!;
  const candidates = [
    ...(file ? [file.startsWith('/') ? file : `${dir}/${file}`] : []),
    `/var/log/postgresql/postgresql-${major}-main.log`,
  ];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found)
    throw new Error(`PostgreSQL's server log not found (tried ${candidates.join(', ')}): give --log`);
  return found;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      deals: { type: 'string', default: '10' },
      log: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return void process.stdout.write(`${USAGE}\n`);
  const deals = Number(values.deals);
  if (!Number.isInteger(deals) || deals < 1) throw new Error(`--deals must be a whole number of at least 1`);
  const pg = new Client({ connectionString: process.env.DATABASE_URL });
  await pg.connect();
  const logFile = await serverLog(pg, values.log);
  const stack = await startStack('warn', {}, undefined, async (databases) => {
    for (const location of Object.values(databases))
      await pg.query(`ALTER DATABASE "${location.database}" SET log_statement = 'all'`);
  });
  const watch = new EventWatch(process.env.KAFKA_BROKERS!, now);
  try {
    await watch.start([stack.topics.topic(Topics.invoices), stack.topics.topic(Topics.licenses)]);
    const startedAt = new Date();
    const day = {
      today: startedAt.toISOString().slice(0, 10),
      closedAt: new Date(startedAt.getTime() - 60_000).toISOString(),
    };
    const runId = startedAt.getTime().toString(36);
    // A warm-up (connections, caches), then the deals counted; then a pause for the relays' last statements.
    await serialLatency(stack, watch, day, `${runId}w`, 3);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const from = statSync(logFile).size;
    const measured = cpuMeter(serviceCpuProbes(stack));
    await serialLatency(stack, watch, day, runId, deals);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    // Each service's CPU (user + system) per deal over the same stretch: one deal at a time, so that the
    // processes hardly compete for the cores, and what each costs shows with less noise than flat out.
    const cpuMsPerDeal = Object.fromEntries(
      Object.entries(measured()).map(([service, seconds]) => [
        service,
        Math.round((seconds * 10_000) / deals) / 10,
      ]),
    );
    const log = readFileSync(logFile).subarray(from).toString();
    const databases = Object.fromEntries(SERVICES.map((s) => [s, stack.databases[s].database]));
    const counted = countStatements(log, databases, deals);
    const total = Object.values(counted).reduce((sum, c) => sum + c.perDeal, 0);
    const report = { deals, total: Math.round(total * 10) / 10, cpuMsPerDeal, services: counted };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await watch.stop();
    await stack.stop();
    await pg.end();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
