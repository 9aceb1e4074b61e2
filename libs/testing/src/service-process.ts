import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { type DatabaseLocation, dropDatabase } from '@o2c/persistence';
import { newAdminToken, withAdminToken } from './admin-token';
import { uniqueTestDatabase } from './test-database';

/** A service running as its own process, from its build, as it runs in production. */
export interface ServiceProcess {
  readonly service: string;
  readonly baseUrl: string;
  /** Its process id (for /proc readings: CPU time, memory). */
  readonly pid: number;
  /** Its `ADMIN_TOKEN` (a fresh one unless `env` sets it); undefined when set empty. */
  readonly adminToken: string | undefined;
  /** `headers` with `authorization: Bearer <adminToken>`, for its operations endpoints. */
  adminHeaders(headers?: Record<string, string>): Record<string, string>;
  /** Everything it wrote to stdout and stderr so far, for a failing test's message. */
  output(): string;
  /** How it ended (`exit code 1`, `signal SIGKILL`); null while it runs. */
  exited(): string | null;
  /** Sends `signal` (SIGKILL to crash it) and waits for the exit; its database stays. */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** SIGTERM, wait for the exit, drop its test database (unless the caller gave it one). */
  stop(): Promise<void>;
}

const repositoryRoot = join(__dirname, '..', '..', '..');

/** A TCP port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * Starts `services/<service>/dist/main.js` (build it first) on the PostgreSQL and Kafka of the test run, in a
 * database of its own, with a fresh `ADMIN_TOKEN` and `env` added (its topic namespace, consumer group and
 * secrets); resolves once it answers `/health/live`.
 */
/**
 * The Node flags a service runs with wherever it runs (`npm run demo`, the image, `nx serve`): tests and the
 * benchmark start services exactly so. A young generation of 8 MB semi-spaces instead of V8's default for a
 * machine of this size (up to 64 MB) keeps an idle service's memory down (docs/operations.md, "Memory").
 */
export const SERVICE_NODE_FLAGS = ['--max-semi-space-size=8'] as const;

export async function startServiceProcess(
  service: string,
  env: Record<string, string>,
  /** A database the caller owns (several processes of one service share it, e.g. across a crash). */
  sharedDatabase?: DatabaseLocation,
): Promise<ServiceProcess> {
  const database = sharedDatabase ?? uniqueTestDatabase(service);
  // A restarted process keeps its address when the caller gives `PORT` (a crash test that posts on throughout).
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const adminToken = env.ADMIN_TOKEN ?? newAdminToken();
  const { pid, baseUrl, output, exited, kill } = await startLiveProcess(
    service,
    [...SERVICE_NODE_FLAGS, join(repositoryRoot, 'services', service, 'dist', 'main.js')],
    {
      DATABASE_URL: database.url,
      ...(process.env.KAFKA_BROKERS === undefined ? {} : { KAFKA_BROKERS: process.env.KAFKA_BROKERS }),
      PORT: String(port),
      LOG_LEVEL: 'warn',
      ...env,
      ADMIN_TOKEN: adminToken,
    },
    port,
  );
  return {
    service,
    baseUrl,
    pid,
    adminToken: adminToken || undefined,
    adminHeaders: (headers = {}) => withAdminToken(adminToken, headers),
    output,
    exited,
    kill,
    async stop() {
      await kill('SIGTERM');
      if (!sharedDatabase) await dropDatabase(database);
    },
  };
}

/** A Node process of ours, started and answering `/health/live`. */
export interface LiveProcess {
  readonly pid: number;
  readonly baseUrl: string;
  /** Everything it wrote to stdout and stderr so far. */
  readonly output: () => string;
  /** How it ended (`exit code 1`, `signal SIGKILL`); null while it runs. */
  readonly exited: () => string | null;
  /** Sends `signal` unless it has exited, and waits for the exit. */
  readonly kill: (signal: NodeJS.Signals) => Promise<void>;
}

/**
 * Runs `node <args>` from the repository root with `PATH` and `env` only (`env.PORT` is where it listens, on
 * `port`), and resolves once it answers `/health/live`; throws with its output if it exits first.
 */
export async function startLiveProcess(
  name: string,
  args: readonly string[],
  env: Record<string, string>,
  port: number,
): Promise<LiveProcess> {
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: repositoryRoot,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const baseUrl = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`${name} exited with ${child.exitCode} before answering:\n${output}`);
    const live = await fetch(`${baseUrl}/health/live`).catch(() => undefined);
    if (live?.ok) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    pid: child.pid!,
    baseUrl,
    output: () => output,
    exited: () =>
      child.signalCode !== null
        ? `signal ${child.signalCode}`
        : child.exitCode !== null
          ? `exit code ${child.exitCode}`
          : null,
    kill: async (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
