import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Topics } from '@o2c/contracts';
import { createKafka, ensureTopics } from '@o2c/messaging';
import { hopLimit, intakeLimit } from './floors';
import { databaseCounters, kafkaLimit, perDeal, postgresLimit, postgresServer, tableScans } from './limits';
import { cpuMeter, kafkaPid, postgresCpu, processCpu, rssBytes, type CpuProbe } from './proc';
import { markdownReport, type BenchReport } from './report';
import { measureEventChecks } from './event-check';
import { billRun, intake, now, preview, serialLatency, type BenchDay } from './scenarios';
import { SERVICES, serviceCpuProbes, startStack, stackTopics, type BenchStack } from './stack';
import { EventWatch } from './watch';

/** The intake's target: deals per second end to end. */
const TARGET_DEALS_PER_SECOND = 300;

const USAGE = `npm run bench -- [options]
  --deals N          new deals of the flat-out and fixed-rate intake runs (default 2000)
  --concurrency C    webhook calls in flight in the flat-out run (default 16)
  --rate R           deals per second of the fixed-rate run (default: half the flat-out end-to-end rate)
  --serial N         deals posted one at a time for the pipeline's own latency (default 30)
  --contracts M      contracts of the bill run (default 100000)
  --previews N       preview requests (default 300)
  --event-checks N   calls per round when timing each event type's schema check (default 2000)
  --limit-seconds S  how long each pgbench run lasts (default 10)
  --idle-seconds S   how long the services are left without traffic before their idle memory is read, after
                     start-up and again after the load (default 150)
  --skip-scale-out   no second run with two instances of each consuming service
  --env KEY=VALUE    a setting given to every service (repeatable), e.g. --env DATABASE_PREPARED_STATEMENTS=off
  --label L          suffix of the report's file names (default: the commit)
  --out DIR          where the report goes (default bench/results)`;

function options() {
  const { values } = parseArgs({
    options: {
      deals: { type: 'string', default: '2000' },
      concurrency: { type: 'string', default: '16' },
      rate: { type: 'string' },
      serial: { type: 'string', default: '30' },
      contracts: { type: 'string', default: '100000' },
      previews: { type: 'string', default: '300' },
      'event-checks': { type: 'string', default: '2000' },
      'limit-seconds': { type: 'string', default: '10' },
      'idle-seconds': { type: 'string', default: '150' },
      'skip-scale-out': { type: 'boolean', default: false },
      env: { type: 'string', multiple: true, default: [] },
      label: { type: 'string' },
      out: { type: 'string', default: join(__dirname, '..', 'results') },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const count = (
    name:
      | 'deals'
      | 'concurrency'
      | 'rate'
      | 'serial'
      | 'contracts'
      | 'previews'
      | 'event-checks'
      | 'limit-seconds'
      | 'idle-seconds',
    min = 1,
  ) => {
    const raw = values[name];
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min)
      throw new Error(`--${name} must be a whole number ≥ ${min}, got "${raw}"`);
    return n;
  };
  return {
    deals: count('deals'),
    concurrency: count('concurrency'),
    rate: values.rate === undefined ? undefined : count('rate'),
    serial: count('serial', 0),
    contracts: count('contracts', 0),
    previews: count('previews', 0),
    eventChecks: count('event-checks'),
    limitSeconds: count('limit-seconds'),
    idleSeconds: count('idle-seconds', 0),
    scaleOut: !values['skip-scale-out'],
    env: Object.fromEntries(
      values.env.map((setting) => {
        const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(setting);
        if (!match) throw new Error(`--env must be KEY=VALUE with KEY in capitals, got "${setting}"`);
        return [match[1]!, match[2]!];
      }),
    ),
    label: values.label ?? git(['rev-parse', '--short', 'HEAD']),
    out: values.out,
  };
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (npm run bench starts the infrastructure and sets it)`);
  return value;
}

function say(message: string) {
  process.stderr.write(`[bench] ${message}\n`);
}

function cpuProbes(stack: BenchStack): Record<string, CpuProbe> {
  const probes: Record<string, CpuProbe> = serviceCpuProbes(stack);
  const postgres = postgresCpu();
  if (postgres) probes.postgresql = postgres;
  const kafka = kafkaPid();
  if (kafka) probes.kafka = processCpu(kafka);
  return probes;
}

/** Each service's CPU (user + system, from /proc) per second of wall time over `ms` without traffic. */
async function idleCpuMsPerSecond(stack: BenchStack, ms: number): Promise<Record<string, number>> {
  const measured = cpuMeter(serviceCpuProbes(stack));
  await new Promise((resolve) => setTimeout(resolve, ms));
  return Object.fromEntries(
    Object.entries(measured()).map(([service, seconds]) => [service, Math.round((seconds * 1_000_000) / ms)]),
  );
}

function rss(stack: BenchStack): Record<string, number> {
  return Object.fromEntries(
    SERVICES.map((s) => [s, Math.round((rssBytes(stack.first(s).pid) ?? Number.NaN) / 1024 / 1024)]),
  );
}

/**
 * Each service's RSS once a second from now until `seconds` have passed since `since` (ms, `now()`'s clock), with
 * no traffic; the series, one reading a second, the last of them the idle memory.
 */
async function idleRss(stack: BenchStack, since: number, seconds: number): Promise<Record<string, number[]>> {
  const series: Record<string, number[]> = Object.fromEntries(SERVICES.map((s) => [s, []]));
  const read = () => Object.entries(rss(stack)).forEach(([service, mib]) => series[service]!.push(mib));
  read();
  for (let second = 1; second <= seconds; second += 1) {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, since + second * 1_000 - now())));
    read();
  }
  return series;
}

const last = (series: Record<string, number[]>) =>
  Object.fromEntries(Object.entries(series).map(([service, values]) => [service, values.at(-1)!]));

async function main() {
  const opts = options();
  const databaseUrl = required('DATABASE_URL');
  const brokers = required('KAFKA_BROKERS');
  const startedAt = new Date();
  const day: BenchDay = {
    today: startedAt.toISOString().slice(0, 10),
    closedAt: new Date(startedAt.getTime() - 60_000).toISOString(),
  };
  const runId = startedAt.getTime().toString(36);
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
    node: process.version,
    postgres: await postgresServer(databaseUrl),
  };
  say("checking each event type's data against its schema, three ways");
  const eventChecks = measureEventChecks(opts.eventChecks);
  say(`starting the stack (four services, fresh databases and topics)`);
  const stack = await startStack(
    process.env.BENCH_LOG_LEVEL ?? 'info',
    Object.fromEntries(SERVICES.map((service) => [service, opts.env])),
  );
  const watch = new EventWatch(brokers, now);
  try {
    await watch.start([stack.topics.topic(Topics.invoices), stack.topics.topic(Topics.licenses)]);
    const startedRss = rss(stack);
    const idleSince = now();
    say(`idle: each service's CPU over 5 s without traffic, and its memory after ${opts.idleSeconds} s`);
    const idleCpu = await idleCpuMsPerSecond(stack, 5_000);
    const idleSeries = await idleRss(stack, idleSince, opts.idleSeconds);
    const databases = Object.values(stack.databases).map((d) => d.database);

    say(`warm-up: 20 deals`);
    await intake(stack, watch, day, `${runId}w`, 20, { concurrency: 4 }, {});

    say(`intake, flat out: ${opts.deals} deals at concurrency ${opts.concurrency}`);
    const statsBefore = await databaseCounters(databaseUrl, databases);
    const messagesBefore = await topicMessages(brokers, stackTopics(stack));
    const flatOut = await intake(
      stack,
      watch,
      day,
      `${runId}f`,
      opts.deals,
      { concurrency: opts.concurrency },
      cpuProbes(stack),
    );
    await new Promise((resolve) => setTimeout(resolve, 1500)); // the statistics collector's delay
    const work = perDeal(statsBefore, await databaseCounters(databaseUrl, databases), flatOut.deals);
    const messages = (await topicMessages(brokers, stackTopics(stack))) - messagesBefore;
    const messagesPerDeal = Math.round((messages / flatOut.deals) * 10) / 10;
    const messageBytes = watch.messages > 0 ? watch.bytes / watch.messages : 1024;
    say(
      `  ${flatOut.endToEndPerSecond} deals/s end to end, ${JSON.stringify(work)}, ${messagesPerDeal} messages/deal`,
    );

    const rate = opts.rate ?? Math.max(1, Math.floor(flatOut.endToEndPerSecond / 2));
    const fixedDeals = Math.min(opts.deals, Math.max(20, rate * 30));
    say(`intake, fixed rate: ${fixedDeals} deals at ${rate}/s`);
    const fixedRate = await intake(
      stack,
      watch,
      day,
      `${runId}r`,
      fixedDeals,
      { ratePerSecond: rate },
      cpuProbes(stack),
    );

    say(`one deal at a time: ${opts.serial} deals`);
    const serial = opts.serial > 0 ? await serialLatency(stack, watch, day, runId, opts.serial) : undefined;

    say(`preview of a five-year ramped deal: ${opts.previews} requests`);
    const previewResult = opts.previews > 0 ? await preview(stack, day, runId, opts.previews, 4) : undefined;

    say(`bill run over ${opts.contracts} contracts`);
    const billRunResult =
      opts.contracts > 0 ? await billRun(stack, day, opts.contracts, cpuProbes(stack)) : undefined;
    const loadedSince = now();
    say(`after the load: each service's memory over ${opts.idleSeconds} s without traffic`);
    const loadedSeries = await idleRss(stack, loadedSince, opts.idleSeconds);
    const scans = await tableScans(Object.values(stack.databases).map((d) => d.url));

    let scaleOut;
    if (opts.scaleOut) {
      for (const service of ['subscriptions', 'invoicing', 'provisioning'] as const)
        await stack.scaleOut(service);
      say(`intake, flat out, two instances of each consuming service: ${opts.deals} deals`);
      scaleOut = await intake(
        stack,
        watch,
        day,
        `${runId}x`,
        opts.deals,
        { concurrency: opts.concurrency },
        cpuProbes(stack),
      );
    }

    say(`the machine's limits: PostgreSQL (pgbench) and Kafka (its perf tools)`);
    const postgres = await postgresLimit(
      databaseUrl,
      { rowsPerDeal: work.rowsWrittenPerDeal, rowBytes: messageBytes, commitsPerDeal: work.commitsPerDeal },
      { clients: 4, seconds: opts.limitSeconds, dealsPerTransaction: 50 },
    );
    const perfTopic = `${stack.topics.namespace}.perf`;
    const admin = createKafka({ brokers, clientId: 'o2c-bench' }).admin();
    await admin.connect();
    await ensureTopics(admin, [perfTopic], 6);
    await admin.disconnect();
    const kafka = await kafkaLimit(brokers, perfTopic, messageBytes, Math.max(20_000, messages * 5));
    // The bare hop offered what each consuming service was offered: one event per deal, at the intake's rates.
    const bareHop = async (ratePerSecond: number, events: number) => {
      say(`the bare hop (kafkajs and pg, no framework): ${events} events at ${ratePerSecond}/s`);
      return hopLimit({
        brokers,
        namespace: stack.topics.namespace,
        ratePerSecond,
        messages: events,
        messageBytes,
        postgresCpu: postgresCpu(),
      });
    };
    const hop = {
      flatOut: await bareHop(flatOut.endToEndPerSecond, flatOut.deals),
      fixedRate: await bareHop(rate, fixedRate.deals),
      // What the least consumer costs at the rate the intake is to reach: three of them take part in each deal.
      atTarget: await bareHop(TARGET_DEALS_PER_SECOND, flatOut.deals),
    };
    say(
      `the bare intake (node:http, pg and kafkajs): ${flatOut.deals} deals at ${flatOut.endToEndPerSecond}/s`,
    );
    const intakeFloor = await intakeLimit({
      brokers,
      namespace: stack.topics.namespace,
      ratePerSecond: flatOut.endToEndPerSecond,
      deals: flatOut.deals,
      day,
      postgresCpu: postgresCpu(),
    });

    const report: BenchReport = {
      startedAt: startedAt.toISOString(),
      commit: git(['rev-parse', 'HEAD']),
      label: opts.label,
      machine,
      options: opts,
      intake: { flatOut, fixedRate, serial, scaleOut },
      perDeal: { ...work, messagesPerDeal, messageBytes: Math.round(messageBytes) },
      preview: previewResult,
      billRun: billRunResult,
      eventChecks,
      memory: {
        startedRssMiB: startedRss,
        idleSeconds: opts.idleSeconds,
        idleRssMiB: last(idleSeries),
        afterLoadRssMiB: Object.fromEntries(
          Object.entries(loadedSeries).map(([s, values]) => [s, values[0]!]),
        ),
        afterLoadIdleRssMiB: last(loadedSeries),
        idleRssSeriesMiB: idleSeries,
        afterLoadRssSeriesMiB: loadedSeries,
        idleCpuMsPerSecond: idleCpu,
      },
      tableScans: scans.slice(0, 12),
      limits: {
        postgres,
        kafka,
        hop,
        intake: intakeFloor,
        kafkaDealsPerSecond: Math.round(
          Math.min(kafka.produceMessagesPerSecond, kafka.consumeMessagesPerSecond) /
            Math.max(1, messagesPerDeal),
        ),
      },
    };
    mkdirSync(opts.out, { recursive: true });
    const base = join(opts.out, `${day.today}-${opts.label}`);
    writeFileSync(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(`${base}.md`, markdownReport(report));
    say(`report: ${base}.json and ${base}.md`);
    process.stdout.write(markdownReport(report));
  } finally {
    await watch.stop();
    await stack.stop();
  }
}

/** Messages in `topics` so far (the sum of their partitions' high watermarks). */
async function topicMessages(brokers: string, topics: string[]): Promise<number> {
  const admin = createKafka({ brokers, clientId: 'o2c-bench' }).admin();
  await admin.connect();
  try {
    let total = 0;
    for (const topic of topics) {
      for (const p of await admin.fetchTopicOffsets(topic)) total += Number(p.high) - Number(p.low);
    }
    return total;
  } finally {
    await admin.disconnect();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
