import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createKafka, ensureTopics } from '@o2c/messaging';
import { dropDatabase, ensureDatabase } from '@o2c/persistence';
import { uniqueTestDatabase } from '@o2c/testing';
import { Client } from 'pg';
import { HOP_SCHEMA } from './hop';
import { cpuMeter, type CpuProbe, processCpu } from './proc';

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

/**
 * The bare hop run in a process of its own on a fresh database, offered `messages` events at `ratePerSecond`
 * (each sent on its own, keyed over 500 accounts, as large as `messageBytes`), until every event it produced is
 * read back. Run it at o2c's own rate to see what a consumer with o2c's guarantees costs at that rate before any
 * of o2c's work.
 */
export async function hopLimit(run: HopRun): Promise<HopLimit> {
  if (!(run.ratePerSecond > 0) || !Number.isInteger(run.messages) || run.messages < 1)
    throw new Error(
      `the hop needs a rate and a number of events above 0, got ${run.ratePerSecond}/s and ${run.messages} events`,
    );
  const database = uniqueTestDatabase('bench_hop');
  await ensureDatabase(database);
  const db = new Client({ connectionString: database.url });
  const tag = randomUUID();
  // Topics of this run only: a run that read another's events would count them as its own.
  const [inTopic, outTopic] = [`${run.namespace}.hop-${tag}-in`, `${run.namespace}.hop-${tag}-out`];
  const kafka = createKafka({ brokers: run.brokers, clientId: 'o2c-bench-hop-driver' });
  const admin = kafka.admin();
  const producer = kafka.producer();
  const watcher = kafka.consumer({ groupId: `bench-hop-watch-${tag}`, maxWaitTimeInMs: 100 });
  let hop: ChildProcess | undefined;
  try {
    await db.connect();
    for (const statement of HOP_SCHEMA) await db.query(statement);
    await admin.connect();
    await ensureTopics(admin, [inTopic, outTopic], 6);
    await admin.disconnect();
    hop = spawn(
      process.execPath,
      [join(__dirname, 'hop.js'), run.brokers, database.url, inTopic, outTopic, `bench-hop-${tag}`],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    await ready(hop);
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
    const hopPid = hop.pid!;
    const measured = cpuMeter({
      hop: processCpu(hopPid),
      ...(run.postgresCpu ? { postgresql: run.postgresCpu } : {}),
    });
    const start = performance.now();
    const sent: Promise<unknown>[] = [];
    for (let i = 0; i < run.messages; i++) {
      const due = start + (i * 1000) / run.ratePerSecond;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      sent.push(
        producer.send({
          topic: inTopic,
          acks: -1,
          messages: [{ key: `account-${i % 500}`, value: JSON.stringify({ id: randomUUID(), n: i, pad }) }],
        }),
      );
    }
    await Promise.all(sent);
    // A hop that stops giving events back (one it cannot apply, say) fails the run instead of holding it.
    const patience = Math.max(60_000, (3_000 * run.messages) / run.ratePerSecond);
    let timer: NodeJS.Timeout | undefined;
    const tooLong = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(new Error(`the hop gave back ${read} of ${run.messages} events in ${patience / 1000} s`)),
        patience,
      );
    });
    await Promise.race([everyEventBack, exited(hop), tooLong]).finally(() => clearTimeout(timer));
    const cpu = measured();
    const perMessage = (seconds: number) => Math.round((seconds * 1_000_000) / run.messages) / 1000;
    return {
      ratePerSecond: run.ratePerSecond,
      messages: run.messages,
      messageBytes: Math.round(run.messageBytes),
      seconds: Math.round(lastRead - start) / 1000,
      cpuMsPerMessage: {
        hop: perMessage(cpu.hop!),
        ...(cpu.postgresql === undefined ? {} : { postgresql: perMessage(cpu.postgresql) }),
      },
    };
  } finally {
    if (hop && hop.exitCode === null) {
      const gone = new Promise((resolve) => hop!.once('exit', resolve));
      hop.kill('SIGTERM');
      await gone;
    }
    await watcher.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await db.end().catch(() => undefined);
    await dropDatabase(database);
  }
}

/** Resolves when the hop says `ready`; rejects with what it wrote if it ends first or takes over a minute. */
function ready(hop: ChildProcess): Promise<void> {
  let output = '';
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the hop is not ready after 60 s:\n${output}`)), 60_000);
    hop.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    hop.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('ready\n')) {
        clearTimeout(timer);
        resolve();
      }
    });
    hop.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the hop ended (exit ${code}) before it was ready:\n${output}`));
    });
  });
}

/** Rejects when the hop ends: the run cannot finish without it. */
function exited(hop: ChildProcess): Promise<never> {
  return new Promise<never>((_, reject) =>
    hop.once('exit', (code) => reject(new Error(`the hop ended (exit ${code}) during the run`))),
  );
}
