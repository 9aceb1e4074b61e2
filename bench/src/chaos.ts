import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EventTypes, Topics } from '@o2c/contracts';
import { encodeEvent } from '@o2c/messaging';
import { aDeal, type ServiceProcess, type WebhookDeal } from '@o2c/testing';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import {
  type ChaosTargets,
  checkChaos,
  consumerLagOf,
  findings,
  type SentDeal,
  summarize,
} from './chaos/checker';
import { type ChaosInfra, startChaosInfra } from './chaos/infra';
import { type ProxyFault } from './chaos/proxy';
import { chaosPosts, type Post, seededRandom, STORIES } from './chaos/workload';
import { chaosReportPath } from './chaos/report-path';
import { signedHeaders } from './deals';
import { type BenchStack, SERVICES, type ServiceName, startStack } from './stack';

// `npm run chaos`: deals of every kind through the four services while they are killed (SIGKILL) and
// restarted, the broker and PostgreSQL are restarted, and a proxy between the services and them adds latency,
// drops and cuts connections. Then the checker (chaos/checker.ts) reads the databases and topics and counts what
// was lost, doubled or unexpected. docs/security.md, "Faults", says how to run and read it.

const ROOT = join(__dirname, '..', '..');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number) => Math.round(ms / 100) / 10;

export interface ChaosOptions {
  /** Accounts, each a story of one to three deals (chaos/workload.ts). */
  readonly stories: number;
  /** SIGKILLs, spread over the four services in turn. */
  readonly kills: number;
  /** Webhook posts per second while faults are injected. */
  readonly rate: number;
  readonly seed: number;
  /** Dead letters to plant: malformed events put on the deals topic on purpose. */
  readonly planted: number;
  /** The kinds of fault to inject (all by default): `kill`, `restart`, `proxy`. */
  readonly faults: readonly FaultKind[];
}

export const FAULT_KINDS = ['kill', 'restart', 'proxy'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** One fault and how long the pipeline took to move again after it. */
export interface FaultRecord {
  readonly fault: string;
  readonly target: string;
  /** Seconds from the start of the faults. */
  readonly at: number;
  /** Seconds the fault itself lasted (a restart, a window of latency); 0 for a kill. */
  readonly lasted: number;
  /**
   * Seconds from the fault (a kill) or from its end (anything that lasts) until each stage it stopped moved
   * again: a webhook accepted, or an event applied by the consumer; null if it did not within two minutes.
   */
  readonly recovery: Partial<Record<Stage, number | null>>;
  /** The slowest stage; null if any did not move again. */
  readonly recovered: number | null;
}

/** A service process that ended without the run killing it: how, when, and the last lines it wrote. */
export interface UnexpectedExit {
  readonly service: ServiceName;
  /** Seconds from the start of the faults. */
  readonly at: number;
  readonly exit: string;
  readonly lastOutput: string;
}

type Stage = 'webhook' | 'subscriptions' | 'invoicing' | 'provisioning';
const CONSUMERS: Stage[] = ['subscriptions', 'invoicing', 'provisioning'];

export interface ChaosReport {
  readonly date: string;
  readonly seed: number;
  readonly options: ChaosOptions;
  readonly seconds: number;
  readonly posts: number;
  readonly retries: number;
  readonly byStory: Record<string, number>;
  /** Final webhook answers by status, and the transient ones (connection refused, 5xx) that the run retried. */
  readonly answers: Record<string, number>;
  readonly transient: Record<string, number>;
  /** A CRM retry answered differently from the first post of the same deal and revision. */
  readonly retryMismatches: string[];
  /** The first 20 deals refused as not billable (422), with their reasons. */
  readonly rejected: string[];
  readonly runs: Record<string, { ok: number; failed: number }>;
  readonly faults: FaultRecord[];
  readonly kills: number;
  readonly proxyCuts: Record<string, number>;
  /** Target: a SIGKILLed service's stage moves again within 10 s. */
  readonly killRecoveryMaxSeconds: number | null;
  /** Services that ended on their own (not killed by the run), each restarted; must be none. */
  readonly unexpectedExits: UnexpectedExit[];
  /** The checker's findings, each list cut to its first 20 (the counts are exact). */
  readonly check: unknown;
  /** For the first five ids the findings name: what each database holds of them, to tell why. */
  readonly evidence: Record<string, unknown>;
  readonly ok: boolean;
}

export async function runChaos(options: ChaosOptions, log: (line: string) => void): Promise<ChaosReport> {
  const started = Date.now();
  const infra = await startChaosInfra();
  let stack: BenchStack | undefined;
  // The run points these at its own servers; they are put back when it ends.
  const outer = { DATABASE_URL: process.env.DATABASE_URL, KAFKA_BROKERS: process.env.KAFKA_BROKERS };
  // Stopped by SIGINT or SIGTERM, it stops what it started and keeps the services' logs.
  const interrupted = () => {
    log('interrupted: stopping the services and the infrastructure');
    void cleanUp().finally(() => process.exit(130));
  };
  const cleanUp = async () => {
    process.off('SIGINT', interrupted).off('SIGTERM', interrupted);
    if (stack) {
      // What each process said, the killed ones included: .o2c/chaos-logs/<service>-<n>.log
      const logs = join(ROOT, '.o2c', 'chaos-logs');
      rmSync(logs, { recursive: true, force: true });
      mkdirSync(logs, { recursive: true });
      for (const [name, output] of Object.entries(stack.outputs()))
        writeFileSync(join(logs, `${name}.log`), output);
    }
    await stack?.stop().catch((error: unknown) => log(`stopping the services: ${String(error)}`));
    await infra.stop();
    for (const [name, value] of Object.entries(outer)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  process.on('SIGINT', interrupted).on('SIGTERM', interrupted);
  try {
    log(`infrastructure: PostgreSQL ${infra.direct.databaseServer}, Kafka ${infra.direct.kafkaBrokers}`);
    process.env.DATABASE_URL = infra.direct.databaseServer;
    process.env.KAFKA_BROKERS = infra.direct.kafkaBrokers;
    stack = await startStack(
      process.env.CHAOS_LOG_LEVEL ?? 'warn',
      { provisioning: { PROVISIONING_JOB_INTERVAL_MINUTES: '0' } },
      infra.proxied,
    );
    return await drive(stack, infra, options, log, started);
  } finally {
    await cleanUp();
  }
}

/** The services' today, as the runs take it. */
const today = () => new Date().toISOString().slice(0, 10);

async function drive(
  stack: BenchStack,
  infra: ChaosInfra,
  options: ChaosOptions,
  log: (line: string) => void,
  started: number,
): Promise<ChaosReport> {
  const random = seededRandom(options.seed);
  const workload = seededRandom(options.seed + 1);
  const runId = randomUUID().slice(0, 8);
  const asOf = today();
  const posts = chaosPosts(runId, options.stories, asOf, workload);
  const webhook = new Webhook(stack);
  const targets: ChaosTargets = {
    databases: stack.databases,
    brokers: [infra.direct.kafkaBrokers],
    topic: (name) => stack.topics.topic(name),
    consumerGroups: stack.groups,
  };
  const db = await Databases.open(stack, targets);
  try {
    const planted = await plantDeadLetters(stack, options.planted);
    log(`posts of ${options.stories} stories a round, ${planted.length} dead letters planted`);

    const runs = new Runs(stack, asOf);
    let faultsDone = false;
    // Rounds of stories at the rate, as long as faults are injected (so that every fault meets traffic); the
    // round under way is then posted as fast as it goes.
    const driver = (async () => {
      let round = 0;
      for (let next = 0; ; next++) {
        if (next === posts.length) {
          if (faultsDone) break;
          posts.push(...chaosPosts(`${runId}r${++round}`, options.stories, asOf, workload));
        }
        if (!faultsDone) await sleep(1000 / options.rate);
        void webhook.post(posts[next]!);
        await webhook.atMost(32);
      }
      await webhook.settled();
    })();
    const periodicRuns = (async () => {
      while (!faultsDone) {
        await sleep(15_000);
        if (!faultsDone) await runs.all();
      }
    })();

    const faults = faultPlan(options, random);
    const records: FaultRecord[] = [];
    const faultsStarted = Date.now();
    // A service that ends on its own is a finding: recorded with its last words and started again, so that the
    // rest of the run still measures something (not while a fault of the run's own is being applied).
    const unexpectedExits: UnexpectedExit[] = [];
    const seen = new Set<ServiceProcess>();
    let applying = false;
    let watching = true;
    const watcher = (async () => {
      while (watching && !stack.stopping) {
        await sleep(500);
        if (applying || stack.stopping) continue;
        for (const service of SERVICES) {
          const process = stack.first(service);
          const exit = process.exited();
          if (exit === null || seen.has(process)) continue;
          seen.add(process);
          const at = seconds(Date.now() - faultsStarted);
          unexpectedExits.push({ service, at, exit, lastOutput: process.output().slice(-1500) });
          log(`${at}s ${service} ended on its own (${exit}); starting it again`);
          await stack
            .restart(service)
            .catch((error: unknown) => log(`restarting ${service}: ${String(error)}`));
        }
      }
    })();
    let probe = 0;
    for (const fault of faults) {
      await sleep(2000 + random() * 3000);
      const at = seconds(Date.now() - faultsStarted);
      const t0 = Date.now();
      applying = true;
      await fault.apply(stack, infra).finally(() => (applying = false));
      const healed = Date.now();
      const from = fault.lasts ? healed : t0;
      // A probe deal a second while waiting, so that every stage has something to do.
      const recovery = await waitForProgress(fault.stages, from, db, webhook, () =>
        webhook.post({ story: 'new', deal: probeDeal(runId, probe++, asOf), retry: false }),
      );
      const values = Object.values(recovery);
      const record: FaultRecord = {
        fault: fault.kind,
        target: fault.target,
        at,
        lasted: seconds(healed - t0),
        recovery,
        recovered: values.some((v) => v === null) ? null : Math.max(...(values as number[])),
      };
      records.push(record);
      log(
        `${record.at}s ${fault.kind} ${fault.target}: lasted ${record.lasted}s, ` +
          (record.recovered === null
            ? `NOT moving again within 120 s: ${JSON.stringify(recovery)}`
            : `moving again after ${record.recovered}s`),
      );
    }
    faultsDone = true;
    await periodicRuns;
    await driver;
    log(`faults done; ${webhook.answered} deals answered; waiting for the pipeline to drain`);

    await db.quiet();
    const final = await runs.all();
    if (final.some((ok) => !ok)) log('a final run failed: see the report');
    await db.quiet();
    watching = false;
    await watcher;

    const check = await checkChaos(targets, { deals: webhook.sent(), plantedDeadLetters: planted, asOf });
    const findingIds = [
      ...new Set(
        Object.values(findings(check))
          .flat()
          .join(' ')
          .match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g) ?? [],
      ),
    ].slice(0, 5);
    const kills = records.filter((r) => r.fault === 'kill');
    const killRecoveries = kills.map((r) => r.recovered);
    const report: ChaosReport = {
      date: asOf,
      seed: options.seed,
      options,
      seconds: seconds(Date.now() - started),
      posts: webhook.postCount,
      retries: posts.filter((p) => p.retry).length,
      byStory: Object.fromEntries(STORIES.map((s) => [s, posts.filter((p) => p.story === s).length])),
      answers: webhook.finalStatuses(),
      transient: webhook.transient,
      retryMismatches: webhook.mismatches,
      rejected: webhook.rejections.slice(0, 20),
      runs: runs.tally,
      faults: records,
      kills: kills.length,
      proxyCuts: { postgres: infra.postgresProxy.cut, kafka: infra.kafkaProxy.cut },
      killRecoveryMaxSeconds: killRecoveries.some((r) => r === null)
        ? null
        : Math.max(...(killRecoveries as number[])),
      unexpectedExits,
      check: summarize(check),
      evidence: await db.evidence(findingIds),
      ok:
        check.ok &&
        webhook.mismatches.length === 0 &&
        unexpectedExits.length === 0 &&
        records.every((r) => r.recovered !== null),
    };
    return report;
  } finally {
    await db.close();
  }
}

/** A new deal posted only to give the pipeline work while a fault's recovery is measured. */
function probeDeal(runId: string, n: number, startDate: string): WebhookDeal {
  return aDeal(`chaos-${runId}-probe${n}`)
    .startingOn(startDate)
    .withLine({ id: 'L1', sku: 'SEAT-PRO', quantity: 3, unitPrice: '360.00' })
    .build();
}

interface Fault {
  readonly kind: string;
  readonly target: string;
  /** Whether the fault lasts a while (recovery counts from its end) or is one blow (from the blow). */
  readonly lasts: boolean;
  /** The stages it stops. */
  readonly stages: Stage[];
  apply(stack: BenchStack, infra: ChaosInfra): Promise<void>;
}

const ALL: Stage[] = ['webhook', ...CONSUMERS];

function proxyWindow(proxy: 'postgres' | 'kafka', fault: ProxyFault, ms: number): Fault {
  return {
    kind: `proxy-${fault.kind}`,
    target: proxy,
    lasts: true,
    stages: ALL,
    async apply(_, infra) {
      const target = proxy === 'postgres' ? infra.postgresProxy : infra.kafkaProxy;
      target.set(fault);
      if (fault.kind === 'refuse') target.cutAll();
      await sleep(ms);
      target.set({ kind: 'none' });
    },
  };
}

/** The faults of a run, in a random order: the kills, one restart of each server, the proxy's misdeeds. */
export function faultPlan(options: Pick<ChaosOptions, 'kills' | 'faults'>, random: () => number): Fault[] {
  const kills: Fault[] = Array.from({ length: options.kills }, (_, i) => {
    const service = SERVICES[i % SERVICES.length]!;
    return {
      kind: 'kill',
      target: service,
      lasts: false,
      stages: [service === 'deals' ? 'webhook' : service],
      async apply(stack) {
        await stack.crash(service);
        await stack.restart(service);
      },
    };
  });
  const others: Fault[] = [
    {
      kind: 'restart',
      target: 'kafka',
      lasts: true,
      stages: ALL,
      apply: (_, infra) => infra.restartKafka(),
    },
    {
      kind: 'restart',
      target: 'postgres',
      lasts: true,
      stages: ALL,
      apply: (_, infra) => infra.restartPostgres(),
    },
    proxyWindow('postgres', { kind: 'latency', ms: 150 }, 8_000),
    proxyWindow('kafka', { kind: 'latency', ms: 150 }, 8_000),
    proxyWindow('postgres', { kind: 'drop', probability: 0.01 }, 6_000),
    proxyWindow('kafka', { kind: 'drop', probability: 0.01 }, 6_000),
    proxyWindow('postgres', { kind: 'refuse' }, 4_000),
    proxyWindow('kafka', { kind: 'refuse' }, 4_000),
  ];
  const all = [...kills, ...others].filter((fault) =>
    options.faults.includes(fault.kind === 'kill' || fault.kind === 'restart' ? fault.kind : 'proxy'),
  );
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all;
}

/** Polls until every stage moved after `from` (ms since the epoch), posting a probe deal every second. */
async function waitForProgress(
  stages: Stage[],
  from: number,
  db: Databases,
  webhook: Webhook,
  probe: () => Promise<void>,
): Promise<Partial<Record<Stage, number | null>>> {
  const recovery: Partial<Record<Stage, number | null>> = {};
  const deadline = from + 120_000;
  let lastProbe = 0;
  while (stages.some((s) => recovery[s] === undefined) && Date.now() < deadline) {
    if (Date.now() - lastProbe >= 1000) {
      lastProbe = Date.now();
      void probe();
    }
    for (const stage of stages) {
      if (recovery[stage] !== undefined) continue;
      const moved = stage === 'webhook' ? webhook.lastAcceptedAt : await db.lastApplied(stage).catch(() => 0);
      if (moved > from) recovery[stage] = seconds(moved - from);
    }
    await sleep(200);
  }
  for (const stage of stages) recovery[stage] ??= null;
  return recovery;
}

/** The signed webhook as a CRM uses it: a post is sent again, with a new webhook id, until it gets an answer. */
class Webhook {
  readonly transient: Record<string, number> = {};
  readonly mismatches: string[] = [];
  /** Deals refused as not billable (422), with the reasons: the stories are written to be billable. */
  readonly rejections: string[] = [];
  private readonly first = new Map<
    string,
    { status: number; body: Record<string, unknown>; deal: WebhookDeal }
  >();
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  answered = 0;
  postCount = 0;
  lastAcceptedAt = 0;

  constructor(private readonly stack: BenchStack) {}

  async post(post: Post): Promise<void> {
    this.inFlight++;
    this.postCount++;
    try {
      const body = JSON.stringify({ type: 'deal.closed_won', deal: post.deal });
      for (;;) {
        const url = `${this.stack.first('deals').baseUrl}/v1/webhooks/deals`;
        const answer = await fetch(url, {
          method: 'POST',
          headers: signedHeaders(this.stack.secret, body, new Date()),
          body,
          signal: AbortSignal.timeout(30_000),
        }).then(
          async (response) => ({ status: response.status, text: await response.text() }),
          (error: unknown) => ({ status: 0, text: String(error) }),
        );
        if (answer.status === 0 || answer.status >= 500 || answer.status === 429) {
          const key = answer.status === 0 ? 'no answer' : String(answer.status);
          this.transient[key] = (this.transient[key] ?? 0) + 1;
          await sleep(250);
          continue;
        }
        this.record(post, answer.status, JSON.parse(answer.text) as Record<string, unknown>);
        return;
      }
    } finally {
      this.inFlight--;
      this.waiting.splice(0).forEach((wake) => wake());
    }
  }

  private record(post: Post, status: number, body: Record<string, unknown>): void {
    this.answered++;
    if (status === 200 || status === 202) this.lastAcceptedAt = Date.now();
    const key = `${post.deal.id}#${post.deal.revision}`;
    const first = this.first.get(key);
    if (!first) {
      this.first.set(key, { status, body, deal: post.deal });
      if (status === 422) this.rejections.push(`${key} (${post.story}): ${JSON.stringify(body.reasons)}`);
      return;
    }
    // The same deal again: 200 with the first body if it was accepted or held (a held change since released
    // answers with its accepted body, docs/deals.md), the same 422 if rejected.
    const same =
      first.status === 422
        ? status === 422
        : status === 200 &&
          (first.body.status === 'held'
            ? body.status === 'held' || body.status === 'accepted'
            : body.contractId === first.body.contractId && body.status === first.body.status);
    if (!same) this.mismatches.push(`${key}: first ${first.status}, then ${status} ${JSON.stringify(body)}`);
  }

  /** Waits until fewer than `n` posts are in flight. */
  async atMost(n: number): Promise<void> {
    while (this.inFlight >= n) await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  async settled(): Promise<void> {
    await this.atMost(1);
  }

  sent(): SentDeal[] {
    return [...this.first.values()].map(({ status, body, deal }) => ({
      dealId: deal.id,
      revision: deal.revision,
      kind: deal.kind,
      accountId: deal.account.id,
      status,
      ...(typeof body.contractId === 'string' ? { contractId: body.contractId } : {}),
      ...(body.status === 'held' ? { held: true } : {}),
    }));
  }

  finalStatuses(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const { status } of this.first.values()) counts[status] = (counts[status] ?? 0) + 1;
    return counts;
  }
}

/** The renewal run, the bill run (a job, waited for) and the provisioning run, as of one date, as operations call them. */
class Runs {
  readonly tally: Record<string, { ok: number; failed: number }> = {
    renewals: { ok: 0, failed: 0 },
    'bill-run': { ok: 0, failed: 0 },
    provisioning: { ok: 0, failed: 0 },
  };

  constructor(
    private readonly stack: BenchStack,
    private readonly asOf: string,
  ) {}

  async all(): Promise<boolean[]> {
    return [
      await this.count('renewals', () => this.post('subscriptions', '/v1/admin/renewals', 200)),
      await this.count('bill-run', () => this.billRun()),
      await this.count('provisioning', () => this.post('provisioning', '/v1/admin/provisioning-runs', 200)),
    ];
  }

  private async count(name: string, run: () => Promise<void>): Promise<boolean> {
    try {
      await run();
      this.tally[name]!.ok++;
      return true;
    } catch {
      this.tally[name]!.failed++;
      return false;
    }
  }

  private headers() {
    return { 'content-type': 'application/json', authorization: `Bearer ${this.stack.adminToken}` };
  }

  private async post(service: ServiceName, path: string, expected: number): Promise<void> {
    await this.call(service, path, expected);
  }

  private async call(service: ServiceName, path: string, expected: number): Promise<Response> {
    const response = await fetch(`${this.stack.first(service).baseUrl}${path}`, {
      method: 'POST',
      headers: this.headers(),
      body: JSON.stringify({ asOf: this.asOf }),
      signal: AbortSignal.timeout(120_000),
    });
    if (response.status !== expected) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response;
  }

  private async billRun(): Promise<void> {
    const response = await this.call('invoicing', '/v1/bill-runs', 202);
    const location = response.headers.get('location');
    for (let i = 0; i < 600; i++) {
      await sleep(500);
      const run = (await (
        await fetch(`${this.stack.first('invoicing').baseUrl}${location}`, { headers: this.headers() })
      ).json()) as { status: string };
      if (run.status === 'finished') return;
      if (run.status !== 'running') throw new Error(`bill run ${JSON.stringify(run)}`);
    }
    throw new Error('the bill run did not finish in 5 minutes');
  }
}

/** The services' databases, read directly (not through the proxy): progress and quiet. */
class Databases {
  private constructor(
    private readonly stack: BenchStack,
    private readonly targets: ChaosTargets,
    private readonly clients: Record<ServiceName, Client>,
  ) {}

  static async open(stack: BenchStack, targets: ChaosTargets): Promise<Databases> {
    const clients = {} as Record<ServiceName, Client>;
    for (const service of SERVICES) clients[service] = await connect(stack.databases[service].url);
    return new Databases(stack, targets, clients);
  }

  /** When the consumer of `stage` last applied an event (ms since the epoch), reconnecting after a restart. */
  async lastApplied(stage: Stage): Promise<number> {
    const { rows } = await this.query(
      stage as ServiceName,
      `SELECT extract(epoch FROM max(handled_at)) * 1000 AS at FROM inbox`,
    );
    return Number(rows[0]?.at ?? 0);
  }

  /** Waits until every outbox is drained, no consumer has anything left to read and none applied anything for 5 s. */
  async quiet(): Promise<void> {
    const deadline = Date.now() + 600_000;
    while (Date.now() < deadline) {
      await sleep(1000);
      try {
        let pending = 0;
        for (const service of SERVICES) {
          const { rows } = await this.query(
            service,
            `SELECT count(*) AS n FROM outbox WHERE published_at IS NULL`,
          );
          pending += Number(rows[0]!.n);
        }
        const last = Math.max(...(await Promise.all(CONSUMERS.map((s) => this.lastApplied(s)))));
        if (pending === 0 && Date.now() - last > 5000) {
          // Quiet because everything is applied, not because a consumer is stuck.
          const lag = Object.values(await consumerLagOf(this.targets)).reduce((a, b) => a + b, 0);
          if (lag === 0) return;
        }
      } catch {
        // A connection lost in a restart: reconnected by query on the next round.
      }
    }
    throw new Error('the pipeline did not drain in 10 minutes');
  }

  /** The rows that name each id (a contract, a licence, a document) in the tables where such ids live. */
  async evidence(ids: string[]): Promise<Record<string, unknown>> {
    const where: Record<ServiceName, [string, string][]> = {
      deals: [['deal', 'contract_id']],
      subscriptions: [['contract_version', 'contract_id']],
      invoicing: [
        ['contract_version', 'contract_id'],
        ['document', 'contract_id'],
      ],
      provisioning: [
        ['contract', 'contract_id'],
        ['contract_version', 'contract_id'],
        ['entitlement', 'contract_id'],
        ['entitlement_change', 'contract_id'],
        ['licence', 'contract_id'],
        ['licence', 'licence_id'],
      ],
    };
    const out: Record<string, unknown> = {};
    for (const id of ids) {
      const found: Record<string, unknown> = {};
      for (const service of SERVICES) {
        for (const [table, column] of where[service]) {
          const { rows } = await this.query(service, `SELECT * FROM ${table} WHERE ${column} = $1`, [id]);
          if (rows.length > 0) found[`${service}.${table}`] = rows;
        }
      }
      out[id] = found;
    }
    return out;
  }

  private async query(service: ServiceName, sql: string, values: unknown[] = []) {
    try {
      return await this.clients[service].query<Record<string, string>>(sql, values);
    } catch (error) {
      await this.clients[service].end().catch(() => undefined);
      this.clients[service] = await connect(this.stack.databases[service].url);
      throw error;
    }
  }

  async close(): Promise<void> {
    await Promise.all(Object.values(this.clients).map((c) => c.end().catch(() => undefined)));
  }
}

async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** Malformed deal-closed events put on the deals topic: subscriptions must dead-letter exactly these. */
async function plantDeadLetters(stack: BenchStack, n: number): Promise<{ topic: string; eventId: string }[]> {
  const kafka = new Kafka({
    clientId: 'o2c-chaos',
    brokers: process.env.KAFKA_BROKERS!.split(','),
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer();
  await producer.connect();
  try {
    const topic = stack.topics.topic(Topics.deals);
    const planted = Array.from({ length: n }, (_, i) => ({ topic, eventId: randomUUID(), i }));
    await producer.send({
      topic,
      messages: planted.map(({ eventId, i }) =>
        encodeEvent({
          id: eventId,
          type: EventTypes.dealClosed,
          source: 'o2c/chaos',
          time: new Date().toISOString(),
          key: `chaos-planted-${i}`,
          data: { planted: 'not a deal' },
        }),
      ),
    });
    return planted.map(({ topic: t, eventId }) => ({ topic: t, eventId }));
  } finally {
    await producer.disconnect();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      stories: { type: 'string', default: '1500' },
      kills: { type: 'string', default: '12' },
      rate: { type: 'string', default: '12' },
      seed: { type: 'string', default: '20261206' },
      planted: { type: 'string', default: '3' },
      faults: { type: 'string', default: FAULT_KINDS.join(',') },
      out: { type: 'string' },
    },
  });
  const int = (name: string, value: string, min: number) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min)
      throw new Error(`--${name} must be an integer of at least ${min}, not ${value}`);
    return n;
  };
  const options: ChaosOptions = {
    stories: int('stories', values.stories, 1),
    kills: int('kills', values.kills, 0),
    rate: int('rate', values.rate, 1),
    seed: int('seed', values.seed, 0),
    planted: int('planted', values.planted, 0),
    faults: values.faults.split(',').map((kind) => {
      if (!(FAULT_KINDS as readonly string[]).includes(kind))
        throw new Error(`--faults takes ${FAULT_KINDS.join(', ')}, not ${kind}`);
      return kind as FaultKind;
    }),
  };
  // A bad --out is refused before the run, not after it.
  chaosReportPath(values.out, 'date', ROOT);
  const log = (line: string) => process.stderr.write(`[chaos] ${line}\n`);
  const report = await runChaos(options, log);
  const out = chaosReportPath(values.out, report.date, ROOT);
  mkdirSync(join(out, '..'), { recursive: true });
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  log(`report: ${out}`);
  log(report.ok ? 'nothing lost, doubled or unexpected' : 'FINDINGS: see the report');
  process.exitCode = report.ok ? 0 : 1;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
