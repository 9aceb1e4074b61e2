import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '@o2c/testing';
import { FaultyProxy } from './proxy';

const ROOT = join(__dirname, '..', '..', '..');

/**
 * PostgreSQL and Kafka of the chaos run's own, so that restarting them touches nothing else on the machine: a
 * private PostgreSQL cluster and a broker of their own (deploy/local), each behind a faulty proxy. The services
 * go through the proxies; the run itself, the checker and the broker's own traffic do not.
 */
export interface ChaosInfra {
  /** What the run and the checker use: the servers themselves. */
  readonly direct: { databaseServer: string; kafkaBrokers: string };
  /** What the services use: the proxies. */
  readonly proxied: { databaseServer: string; kafkaBrokers: string };
  readonly postgresProxy: FaultyProxy;
  readonly kafkaProxy: FaultyProxy;
  /** Stops the broker (SIGTERM, as a rolling restart does) and starts it again; resolves once it answers. */
  restartKafka(): Promise<void>;
  /** Stops PostgreSQL (fast shutdown: every session is cut) and starts it again. */
  restartPostgres(): Promise<void>;
  stop(): Promise<void>;
}

function script(name: string, command: string, env: Record<string, string>): Promise<string> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv.DATABASE_URL;
  delete childEnv.KAFKA_BROKERS;
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(ROOT, 'deploy', 'local', name), command], {
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('exit', (code) =>
      code === 0
        ? resolve(out)
        : reject(new Error(`${name} ${command} exited with ${code}:\n${err.slice(-3000)}`)),
    );
  });
}

export async function startChaosInfra(): Promise<ChaosInfra> {
  const state = join(ROOT, '.o2c', 'chaos');
  rmSync(state, { recursive: true, force: true });
  const ports: number[] = [];
  // One after the other: freePort may give the same port twice to callers asking at once.
  while (ports.length < 6) {
    const port = await freePort();
    if (!ports.includes(port)) ports.push(port);
  }
  const [pgPort, kafkaPort, controllerPort, proxiedPort, pgProxyPort, kafkaProxyPort] = ports as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const pgEnv = { O2C_STATE: state, O2C_PG_PRIVATE: '1', O2C_PG_PORT: String(pgPort) };
  const kafkaEnv = {
    O2C_STATE: state,
    KAFKA_PORT: String(kafkaPort),
    KAFKA_CONTROLLER_PORT: String(controllerPort),
    KAFKA_PROXIED_PORT: String(proxiedPort),
    KAFKA_PROXIED_ADVERTISED_PORT: String(kafkaProxyPort),
  };
  const stopAll = async () => {
    await script('kafka.sh', 'stop', kafkaEnv).catch(() => undefined);
    await script('postgres.sh', 'stop', pgEnv).catch(() => undefined);
  };
  try {
    await script('postgres.sh', 'start', pgEnv);
    await script('kafka.sh', 'start', kafkaEnv);
  } catch (error) {
    await stopAll();
    throw error;
  }
  const postgresProxy = await FaultyProxy.start('postgres', pgPort, pgProxyPort);
  const kafkaProxy = await FaultyProxy.start('kafka', proxiedPort, kafkaProxyPort);
  return {
    direct: {
      databaseServer: `postgres://postgres@127.0.0.1:${pgPort}`,
      kafkaBrokers: `127.0.0.1:${kafkaPort}`,
    },
    proxied: {
      databaseServer: `postgres://postgres@127.0.0.1:${pgProxyPort}`,
      kafkaBrokers: `127.0.0.1:${kafkaProxyPort}`,
    },
    postgresProxy,
    kafkaProxy,
    async restartKafka() {
      await script('kafka.sh', 'stop', kafkaEnv);
      await script('kafka.sh', 'start', kafkaEnv);
    },
    async restartPostgres() {
      await script('postgres.sh', 'stop', pgEnv);
      await script('postgres.sh', 'start', pgEnv);
    },
    async stop() {
      await postgresProxy.close();
      await kafkaProxy.close();
      await stopAll();
      rmSync(state, { recursive: true, force: true });
    },
  };
}
