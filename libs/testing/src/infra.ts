import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestInfra {
  /** PostgreSQL server URL without a database name. */
  readonly databaseUrl: string;
  readonly kafkaBrokers: string;
  readonly source: 'environment' | 'local-infra' | 'testcontainers';
  /** Stops what was started for the tests (only Testcontainers starts anything here). */
  readonly stop?: () => Promise<void>;
}

const WORKSPACE = join(__dirname, '..', '..', '..');
const INFRA_ENV = join(process.env.O2C_STATE ?? join(WORKSPACE, '.o2c'), 'infra.env');
const INFRA_COMMAND = join(WORKSPACE, 'deploy', 'local', 'infra.sh');

function parseEnvLines(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .map((line) => /^([A-Z_]+)=(.*)$/.exec(line.trim()))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1]!, m[2]!.replace(/^"(.*)"$/, '$1')]),
  );
}

function dockerEngineAnswers(): boolean {
  try {
    execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'pipe', timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}

async function startWithTestcontainers(): Promise<TestInfra> {
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const { KafkaContainer } = await import('@testcontainers/kafka');
  const [pg, kafka] = await Promise.all([
    new PostgreSqlContainer('postgres:17-alpine').start(),
    new KafkaContainer('apache/kafka:4.1.1').withKraft().start(),
  ]);
  const url = new URL(pg.getConnectionUri());
  url.pathname = '';
  return {
    databaseUrl: url.toString().replace(/\/$/, ''),
    kafkaBrokers: `${kafka.getHost()}:${kafka.getMappedPort(9093)}`,
    source: 'testcontainers',
    stop: async () => {
      await Promise.all([pg.stop(), kafka.stop()]);
    },
  };
}

/**
 * Where the tests' PostgreSQL and Kafka are: the environment (`DATABASE_URL`, `KAFKA_BROKERS`)
 * when set; else the local infrastructure command (`deploy/local/infra.sh up`, which reuses
 * what already runs); where that cannot run and a Docker engine answers, Testcontainers.
 */
export async function resolveTestInfra(env: NodeJS.ProcessEnv = process.env): Promise<TestInfra> {
  if (env.DATABASE_URL && env.KAFKA_BROKERS) {
    return { databaseUrl: env.DATABASE_URL, kafkaBrokers: env.KAFKA_BROKERS, source: 'environment' };
  }
  let localError: unknown;
  try {
    const out = execFileSync('bash', [INFRA_COMMAND, 'up'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const vars = {
      ...parseEnvLines(existsSync(INFRA_ENV) ? readFileSync(INFRA_ENV, 'utf8') : ''),
      ...parseEnvLines(out),
    };
    if (vars.DATABASE_URL && vars.KAFKA_BROKERS) {
      return { databaseUrl: vars.DATABASE_URL, kafkaBrokers: vars.KAFKA_BROKERS, source: 'local-infra' };
    }
    localError = new Error(`${INFRA_COMMAND} up did not print DATABASE_URL and KAFKA_BROKERS`);
  } catch (error) {
    localError = error;
  }
  if (dockerEngineAnswers()) return startWithTestcontainers();
  throw new Error(
    `No PostgreSQL and Kafka for the tests: set DATABASE_URL and KAFKA_BROKERS, or make ` +
      `'deploy/local/infra.sh up' work, or run a Docker engine. Local infra said: ${String(localError)}`,
  );
}
