import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Topics } from '@o2c/contracts';
import { databaseOnServer, dropDatabase, ensureDatabase, type DatabaseLocation } from '@o2c/persistence';
import {
  createTestTopics,
  freePort,
  newAdminToken,
  startServiceProcess,
  uniqueTestDatabase,
  type ServiceProcess,
  type TestTopics,
} from '@o2c/testing';
import { type CpuProbe, processCpu } from './proc';

export const SERVICES = ['deals', 'subscriptions', 'invoicing', 'provisioning'] as const;
export type ServiceName = (typeof SERVICES)[number];

/**
 * The four services as `npm run demo` runs them (their builds, info logs), each on a fresh database and
 * all on a fresh topic namespace, so that a run starts empty and leaves nothing behind. The daily jobs are
 * off: the benchmark runs them itself.
 */
export interface BenchStack {
  readonly topics: TestTopics;
  readonly secret: string;
  readonly adminToken: string;
  readonly databases: Readonly<Record<ServiceName, DatabaseLocation>>;
  /** The Kafka consumer group of each service (`KAFKA_CONSUMER_GROUP`). */
  readonly groups: Readonly<Record<ServiceName, string>>;
  /** Every running process of each service (the first one serves HTTP for the scenarios). */
  readonly processes: ReadonlyMap<ServiceName, ServiceProcess[]>;
  /** True from the moment `stop` is called: the processes ending then are meant to. */
  readonly stopping: boolean;
  first(service: ServiceName): ServiceProcess;
  /** Starts one more instance of `service` on the same database and consumer group. */
  scaleOut(service: ServiceName): Promise<ServiceProcess>;
  /** Kills the first instance of `service` with SIGKILL (a crash: no shutdown of any kind). */
  crash(service: ServiceName): Promise<void>;
  /** What every process wrote, the crashed ones included, by service and instance (`deals-1`, `deals-2`…). */
  outputs(): Record<string, string>;
  /** Starts the first instance of `service` again, on the address it had, once it answers `/health/live`. */
  restart(service: ServiceName): Promise<ServiceProcess>;
  stop(): Promise<void>;
}

/** Where the services reach PostgreSQL and Kafka, when not where the run itself does (through a proxy). */
export interface ServiceRoutes {
  /** A PostgreSQL server URL without a database (`postgres://user@host:port`). */
  readonly databaseServer: string;
  readonly kafkaBrokers: string;
}

export async function startStack(
  logLevel: string,
  extraEnv: Partial<Record<ServiceName, Record<string, string>>> = {},
  routes?: ServiceRoutes,
  /** Run on the four databases before the services connect (e.g. a per-database setting). */
  prepare?: (databases: Readonly<Record<ServiceName, DatabaseLocation>>) => Promise<void>,
): Promise<BenchStack> {
  const topics = await createTestTopics('bench');
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  const adminToken = newAdminToken();
  const signingKey = generateKeyPairSync('ed25519')
    .privateKey.export({ format: 'der', type: 'pkcs8' })
    .toString('base64');
  const databases = Object.fromEntries(SERVICES.map((s) => [s, uniqueTestDatabase(`bench_${s}`)])) as Record<
    ServiceName,
    DatabaseLocation
  >;
  for (const location of Object.values(databases)) await ensureDatabase(location);
  await prepare?.(databases);
  const groups = Object.fromEntries(SERVICES.map((s) => [s, `bench-${s}-${randomUUID()}`])) as Record<
    ServiceName,
    string
  >;
  const own: Record<ServiceName, Record<string, string>> = {
    deals: { DEALS_WEBHOOK_SECRETS: secret },
    subscriptions: { RENEWAL_JOB_INTERVAL_MINUTES: '0' },
    invoicing: { BILL_RUN_INTERVAL_MINUTES: '0' },
    provisioning: { PROVISIONING_SIGNING_KEY: signingKey },
  };
  // BENCH_PROFILE=<service>[,<service>…]: V8 CPU profiles of those services, written when they stop.
  const profiled = new Set((process.env.BENCH_PROFILE ?? '').split(',').filter(Boolean));
  const profileDir = process.env.BENCH_PROFILE_DIR ?? join(process.cwd(), '.o2c', 'profiles');
  const ports = {} as Record<ServiceName, string>;
  for (const service of SERVICES) {
    let port = String(await freePort());
    while (Object.values(ports).includes(port)) port = String(await freePort());
    ports[service] = port;
  }
  const start = (service: ServiceName, port?: string) =>
    startServiceProcess(
      service,
      {
        ...(port ? { PORT: port } : {}),
        ...(routes
          ? {
              DATABASE_URL: databaseOnServer(routes.databaseServer, databases[service].database).url,
              KAFKA_BROKERS: routes.kafkaBrokers,
            }
          : {}),
        ...(profiled.has(service) ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}` } : {}),
        KAFKA_TOPIC_NAMESPACE: topics.namespace,
        KAFKA_CONSUMER_GROUP: groups[service],
        LOG_LEVEL: logLevel,
        ADMIN_TOKEN: adminToken,
        // The benchmark is one client sending as fast as it can: the rate limits would measure themselves.
        RATE_LIMIT_WEBHOOKS_PER_MINUTE: '0',
        RATE_LIMIT_API_PER_MINUTE: '0',
        ...own[service],
        ...extraEnv[service],
      },
      databases[service],
    );
  const processes = new Map<ServiceName, ServiceProcess[]>();
  const crashed: ServiceProcess[] = [];
  let stopping = false;
  try {
    for (const service of SERVICES) processes.set(service, [await start(service, ports[service])]);
    for (const service of SERVICES) await waitReady(processes.get(service)![0]!);
  } catch (error) {
    await Promise.all([...processes.values()].flat().map((p) => p.stop()));
    throw error;
  }
  return {
    topics,
    secret,
    adminToken,
    databases,
    groups,
    processes,
    first: (service) => processes.get(service)![0]!,
    async scaleOut(service) {
      const process = await start(service);
      await waitReady(process);
      processes.get(service)!.push(process);
      return process;
    },
    async crash(service) {
      const process = processes.get(service)![0]!;
      await process.kill('SIGKILL');
      crashed.push(process);
    },
    outputs() {
      const all = [...crashed, ...[...processes.values()].flat()];
      const count: Record<string, number> = {};
      return Object.fromEntries(
        all.map((p) => {
          count[p.service] = (count[p.service] ?? 0) + 1;
          return [`${p.service}-${count[p.service]}`, p.output()];
        }),
      );
    },
    async restart(service) {
      // The one it replaces is kept for its output, whether the run killed it or it ended on its own.
      const before = processes.get(service)![0]!;
      if (!crashed.includes(before)) crashed.push(before);
      const process = await start(service, ports[service]);
      processes.get(service)![0] = process;
      return process;
    },
    get stopping() {
      return stopping;
    },
    async stop() {
      stopping = true;
      await Promise.all([...processes.values()].flat().map((p) => p.stop()));
      for (const location of Object.values(databases)) await dropDatabase(location);
      await topics.delete();
    },
  };
}

async function waitReady(process: ServiceProcess): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt++) {
    const ready = await fetch(`${process.baseUrl}/health/ready`).catch(() => undefined);
    if (ready?.ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${process.service} is not ready after 120 s:\n${process.output().slice(-3000)}`);
}

/** The physical names of the o2c topics of a stack. */
export function stackTopics(stack: BenchStack): string[] {
  return Object.values(Topics).map((t) => stack.topics.topic(t));
}

/** The CPU seconds (from /proc) of each service, all its instances together. */
export function serviceCpuProbes(stack: BenchStack): Record<ServiceName, CpuProbe> {
  return Object.fromEntries(
    SERVICES.map((service) => {
      const pids = stack.processes.get(service)!.map((p) => p.pid);
      return [service, () => pids.reduce((sum, pid) => sum + processCpu(pid)(), 0)];
    }),
  ) as Record<ServiceName, CpuProbe>;
}
