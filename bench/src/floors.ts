import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { basename, join } from 'node:path';
import { createKafka, ensureTopics } from '@o2c/messaging';
import { dropDatabase, ensureDatabase } from '@o2c/persistence';
import { uniqueTestDatabase } from '@o2c/testing';
import { Client } from 'pg';
import { BARE_INTAKE_SCHEMA } from './bare-intake';
import { benchDeal, signedHeaders } from './deals';
import { HOP_SCHEMA } from './hop';
import { cpuMeter, cpuMsPer, type CpuProbe, processCpu } from './proc';
import { openLoop } from './stats';

/** What the bare hop (`hop.ts`) cost, offered `ratePerSecond` events of `messageBytes` in an open loop. */
export interface HopLimit {
  readonly ratePerSecond: number;
  readonly messages: number;
  readonly messageBytes: number;
  /** From the first event sent to the hop until the last one it produced was read back. */
  readonly seconds: number;
  /** CPU (user + system, from /proc) per event: the hop's process, and PostgreSQL's (every backend). */
  readonly cpuMsPerMessage: { readonly hop: number; readonly postgresql?: number };
}

export interface HopRun {
  readonly brokers: string;
  /** Each run's topics are made as `<namespace>.hop-<id>-in` and `-out`: the stack deletes them with its own. */
  readonly namespace: string;
  readonly ratePerSecond: number;
  readonly messages: number;
  readonly messageBytes: number;
  /** PostgreSQL's CPU, where it runs on this machine. */
  readonly postgresCpu?: CpuProbe;
}

/** A measured rate must be above 0 and a count a whole number above 0, or the run is refused before anything. */
function checkRun(what: string, ratePerSecond: number, count: number, unit: string): void {
  if (!(ratePerSecond > 0) || !Number.isInteger(count) || count < 1)
    throw new Error(
      `the ${what} needs a rate and a number of ${unit} above 0, got ${ratePerSecond}/s and ${count} ${unit}`,
    );
}

/**
 * A fresh database with `schema`, and `script` (a file of this folder's build) started as a process of its own
 * with `args(database url)`; `use` runs once the process has printed its `ready` line. The process is stopped and
 * the database dropped afterwards, whatever happened.
 */
async function withFloorProcess<T>(
  floor: {
    prefix: string;
    schema: readonly string[];
    script: string;
    args: (databaseUrl: string) => string[];
  },
  use: (db: Client, child: ChildProcess, readyLine: string) => Promise<T>,
): Promise<T> {
  const database = uniqueTestDatabase(floor.prefix);
  await ensureDatabase(database);
  const db = new Client({ connectionString: database.url });
  let child: ChildProcess | undefined;
  try {
    await db.connect();
    for (const statement of floor.schema) await db.query(statement);
    child = spawn(process.execPath, [join(__dirname, floor.script), ...floor.args(database.url)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return await use(db, child, await ready(child, floor.script));
  } finally {
    if (child && child.exitCode === null) {
      const gone = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await gone;
    }
    await db.end().catch(() => undefined);
    await dropDatabase(database);
  }
}

/** `done`, unless `child` ends first or `ms` pass: then the run fails, saying how far it got. */
async function finished(done: Promise<void>, child: ChildProcess, ms: number, progress: () => string) {
  const name = basename(child.spawnargs[1] ?? 'the process');
  let timer: NodeJS.Timeout | undefined;
  const tooLong = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${progress()} in ${ms / 1000} s`)), ms);
  });
  await Promise.race([done, exited(child, name), tooLong]).finally(() => clearTimeout(timer));
}

/** From now on: the CPU seconds of the floor's process (as `name`) and of PostgreSQL, where it runs here. */
function floorCpu(name: string, child: ChildProcess, postgresCpu: CpuProbe | undefined) {
  return cpuMeter({ [name]: processCpu(child.pid!), ...(postgresCpu ? { postgresql: postgresCpu } : {}) });
}

/**
 * The bare hop run in a process of its own on a fresh database, offered `messages` events at `ratePerSecond`
 * (each sent on its own, keyed over 500 accounts, as large as `messageBytes`), until every event it produced is
 * read back. Run it at o2c's own rate to see what a consumer with o2c's guarantees costs at that rate before any
 * of o2c's work.
 */
export async function hopLimit(run: HopRun): Promise<HopLimit> {
  checkRun('hop', run.ratePerSecond, run.messages, 'events');
  const tag = randomUUID();
  // Topics of this run only: a run that read another's events would count them as its own.
  const [inTopic, outTopic] = [`${run.namespace}.hop-${tag}-in`, `${run.namespace}.hop-${tag}-out`];
  const kafka = createKafka({ brokers: run.brokers, clientId: 'o2c-bench-hop-driver' });
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, [inTopic, outTopic], 6).finally(() => admin.disconnect());
  const producer = kafka.producer();
  const watcher = kafka.consumer({ groupId: `bench-hop-watch-${tag}`, maxWaitTimeInMs: 100 });
  const floor = {
    prefix: 'bench_hop',
    schema: HOP_SCHEMA,
    script: 'hop.js',
    args: (url: string) => [run.brokers, url, inTopic, outTopic, `bench-hop-${tag}`],
  };
  try {
    return await withFloorProcess(floor, async (_, hop) => {
      let read = 0;
      let lastRead = 0;
      let allRead!: () => void;
      const everyEventBack = new Promise<void>((resolve) => (allRead = resolve));
      await watcher.connect();
      await watcher.subscribe({ topic: outTopic, fromBeginning: true });
      await watcher.run({
        eachMessage: () => {
          read += 1;
          if (read === run.messages) {
            lastRead = performance.now();
            allRead();
          }
          return Promise.resolve();
        },
      });
      await producer.connect();
      const pad = 'x'.repeat(Math.max(0, Math.round(run.messageBytes) - 120));
      const measured = floorCpu('hop', hop, run.postgresCpu);
      const start = performance.now();
      await openLoop(
        run.messages,
        run.ratePerSecond,
        async (i) => {
          await producer.send({
            topic: inTopic,
            acks: -1,
            messages: [{ key: `account-${i % 500}`, value: JSON.stringify({ id: randomUUID(), n: i, pad }) }],
          });
        },
        () => performance.now(),
      );
      // A hop that stops giving events back (one it cannot apply, say) fails the run instead of holding it.
      const patience = Math.max(60_000, (3_000 * run.messages) / run.ratePerSecond);
      await finished(
        everyEventBack,
        hop,
        patience,
        () => `the hop gave back ${read} of ${run.messages} events`,
      );
      const ms = cpuMsPer(measured(), run.messages, 3);
      return {
        ratePerSecond: run.ratePerSecond,
        messages: run.messages,
        messageBytes: Math.round(run.messageBytes),
        seconds: Math.round(lastRead - start) / 1000,
        cpuMsPerMessage: { hop: ms.hop!, postgresql: ms.postgresql },
      };
    });
  } finally {
    await watcher.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
  }
}

/** What the bare intake (`bare-intake.ts`) cost, offered `ratePerSecond` signed deals in an open loop. */
export interface IntakeLimit {
  readonly ratePerSecond: number;
  readonly deals: number;
  /** From the first deal posted until the last one's event was published and marked. */
  readonly seconds: number;
  /** CPU (user + system, from /proc) per deal: the intake's process, and PostgreSQL's (every backend). */
  readonly cpuMsPerDeal: { readonly intake: number; readonly postgresql?: number };
}

export interface IntakeRun {
  readonly brokers: string;
  /** The run's topic is made as `<namespace>.bare-intake-<id>`: the stack deletes it with its own. */
  readonly namespace: string;
  readonly ratePerSecond: number;
  readonly deals: number;
  /** The deals' start date and closing time, as the benchmark's intake sends them. */
  readonly day: { readonly today: string; readonly closedAt: string };
  readonly postgresCpu?: CpuProbe;
}

/**
 * The bare intake run in a process of its own on a fresh database, offered `deals` of the benchmark's own shapes
 * at `ratePerSecond`, each signed as the CRM signs it, until every deal's event is published and marked. Run it at
 * o2c's own rate to see what a webhook intake with o2c's guarantees costs at that rate before any of o2c's work.
 */
export async function intakeLimit(run: IntakeRun): Promise<IntakeLimit> {
  checkRun('bare intake', run.ratePerSecond, run.deals, 'deals');
  const tag = randomUUID();
  const topic = `${run.namespace}.bare-intake-${tag}`;
  const admin = createKafka({ brokers: run.brokers, clientId: 'o2c-bench-intake-driver' }).admin();
  await admin.connect();
  await ensureTopics(admin, [topic], 6).finally(() => admin.disconnect());
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  const runId = tag.slice(0, 8);
  const deals = Array.from({ length: run.deals }, (_, i) =>
    benchDeal(runId, i, run.day.today, run.day.closedAt),
  );
  const floor = {
    prefix: 'bench_intake',
    schema: BARE_INTAKE_SCHEMA,
    script: 'bare-intake.js',
    args: (url: string) => [run.brokers, url, topic, secret],
  };
  return withFloorProcess(floor, async (db, intake, readyLine) => {
    const url = `http://127.0.0.1:${readyLine.split(' ')[1]}/`;
    const measured = floorCpu('intake', intake, run.postgresCpu);
    const start = performance.now();
    await openLoop(
      run.deals,
      run.ratePerSecond,
      async (i) => {
        const body = deals[i]!.body;
        const response = await fetch(url, {
          method: 'POST',
          headers: signedHeaders(secret, body, new Date()),
          body,
        });
        await response.text();
        if (response.status !== 202)
          throw new Error(`the bare intake answered ${response.status} to deal ${i}`);
      },
      () => performance.now(),
    );
    let published = 0;
    const everyEventOut = (async () => {
      for (;;) {
        const { rows } = await db.query<{ published: string }>(
          'SELECT count(*) AS published FROM outbox WHERE published_at IS NOT NULL',
        );
        published = Number(rows[0]!.published);
        if (published >= run.deals) return;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    await finished(
      everyEventOut,
      intake,
      60_000,
      () => `the bare intake published ${published} of ${run.deals} events`,
    );
    const seconds = Math.round(performance.now() - start) / 1000;
    const ms = cpuMsPer(measured(), run.deals, 3);
    return {
      ratePerSecond: run.ratePerSecond,
      deals: run.deals,
      seconds,
      cpuMsPerDeal: { intake: ms.intake!, postgresql: ms.postgresql },
    };
  });
}

/** Resolves with the process's first line once it starts with `ready`; rejects if it ends first or takes a minute. */
function ready(child: ChildProcess, name: string): Promise<string> {
  let output = '';
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} is not ready after 60 s:\n${output}`)), 60_000);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = /^(ready.*)\n/m.exec(output);
      if (line) {
        clearTimeout(timer);
        resolve(line[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} ended (exit ${code}) before it was ready:\n${output}`));
    });
  });
}

/** Rejects when the process ends: the run cannot finish without it. */
function exited(child: ChildProcess, name: string): Promise<never> {
  return new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`${name} ended (exit ${code}) during the run`))),
  );
}
