import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { type ServiceDefinition, type ServiceEnv } from '@o2c/platform';
import { dropDatabase } from '@o2c/persistence';
import { expectAdminOnly } from './admin-only';
import { type RunningService, startServiceForTest } from './service-harness';
import { freePort } from './service-process';
import { uniqueTestDatabase } from './test-database';
import { createTestTopics } from './test-topics';

interface ProcessResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runMain(
  mainJs: string,
  env: NodeJS.ProcessEnv,
  whenReady?: (child: ReturnType<typeof spawn>, port: number) => Promise<void>,
) {
  return new Promise<ProcessResult>((resolve, reject) => {
    const child = spawn(process.execPath, [mainJs], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let readyCalled = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const m = /listening on port (\d+)/.exec(stdout);
      if (m && whenReady && !readyCalled) {
        readyCalled = true;
        whenReady(child, Number(m[1])).catch(reject);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * What every service promises from its first day, checked against the real PostgreSQL
 * and Kafka: it migrates its own database, reports live and ready, says not ready without
 * Kafka, keeps its dead letters behind ADMIN_TOKEN, refuses a bad environment by name with
 * exit code 1, and stops cleanly on SIGTERM.
 */
export function describeServiceFoundation<E extends ServiceEnv>(
  definition: ServiceDefinition<E>,
  mainJs: string,
  /** Variables of the service's own that a valid configuration needs. */
  serviceEnv: Record<string, string> = {},
): void {
  describe(`${definition.service} service foundation`, () => {
    it('creates and migrates its own database, and is live and ready with PostgreSQL and Kafka', async () => {
      const sut = await startServiceForTest(definition, serviceEnv);
      try {
        const live = await fetch(`${sut.baseUrl}/health/live`);
        expect(live.status).toBe(200);
        const ready = await fetch(`${sut.baseUrl}/health/ready`);
        const body = (await ready.json()) as { status: string; info: Record<string, { status: string }> };
        expect(ready.status).toBe(200);
        expect(body.status).toBe('ok');
        expect(body.info.database?.status).toBe('up');
        expect(body.info.kafka?.status).toBe('up');

        const asyncApi = await fetch(`${sut.baseUrl}/asyncapi.json`);
        expect(asyncApi.status).toBe(200);
        const document = (await asyncApi.json()) as { channels: Record<string, { address: string }> };
        expect(document.channels['o2c_deals_v1']?.address).toBe('o2c.deals.v1');

        const db = new Client({ connectionString: sut.database.url });
        await db.connect();
        try {
          const migrations = await db.query<{ name: string }>(
            'SELECT name FROM schema_migrations ORDER BY id',
          );
          expect(migrations.rows.map((r) => r.name)).toContain('CreateOutboxAndInbox1764000000000');
          const tables = await db.query<{ table_name: string }>(
            `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN ('outbox', 'inbox') ORDER BY 1`,
          );
          expect(tables.rows.map((r) => r.table_name)).toEqual(['inbox', 'outbox']);
        } finally {
          await db.end();
        }
      } finally {
        await sut.stop();
      }
    });

    it('answers errors as RFC 9457 problem+json, one entry per invalid field', async () => {
      const sut = await startServiceForTest(definition, serviceEnv);
      try {
        const problem = async (response: Response) => {
          expect(response.headers.get('content-type')).toContain('application/problem+json');
          return (await response.json()) as {
            status: number;
            title: string;
            detail: string;
            instance: string;
            errors?: { path: string; message: string }[];
          };
        };
        const invalid = await fetch(`${sut.baseUrl}/v1/admin/dead-letters?status=bogus&extra=1`, {
          headers: sut.adminHeaders(),
        });
        expect(invalid.status).toBe(400);
        const body = await problem(invalid);
        expect(body).toMatchObject({
          status: 400,
          title: 'Invalid request',
          detail: '2 invalid fields',
          instance: '/v1/admin/dead-letters?status=bogus&extra=1',
        });
        expect(body.errors?.map((e) => e.path).sort()).toEqual(['extra', 'status']);

        const notJson = await fetch(`${sut.baseUrl}/v1/admin/dead-letters/replay`, {
          method: 'POST',
          headers: sut.adminHeaders({ 'content-type': 'application/json' }),
          body: '{"oops":',
        });
        expect(notJson.status).toBe(400);
        expect((await problem(notJson)).title).toBe('Bad Request');

        const tooLarge = await fetch(`${sut.baseUrl}/v1/admin/dead-letters/replay`, {
          method: 'POST',
          headers: sut.adminHeaders({ 'content-type': 'application/json' }),
          body: JSON.stringify({ padding: 'x'.repeat(1024 * 1024) }),
        });
        expect(tooLarge.status).toBe(413);
        expect((await problem(tooLarge)).status).toBe(413);

        const missing = await fetch(`${sut.baseUrl}/v1/nothing-here`);
        expect(missing.status).toBe(404);
        expect((await problem(missing)).status).toBe(404);
      } finally {
        await sut.stop();
      }
    });

    it('lists and replays dead letters only for the holder of ADMIN_TOKEN, and for nobody without it', async () => {
      const sut = await startServiceForTest(definition, serviceEnv);
      let closed: RunningService<E> | undefined;
      try {
        closed = await startServiceForTest(definition, { ...serviceEnv, ADMIN_TOKEN: '' });
        const calls = [
          ['GET', '/v1/admin/dead-letters'],
          ['GET', '/v1/admin/dead-letters?status=bogus'],
          ['POST', '/v1/admin/dead-letters/replay'],
          ['POST', `/v1/admin/dead-letters/${randomUUID()}/replay`],
          ['POST', '/v1/admin/dead-letters/not-a-uuid/replay'],
        ] as const;
        await expectAdminOnly(sut, calls);
        const list = await fetch(`${sut.baseUrl}/v1/admin/dead-letters`, { headers: sut.adminHeaders() });
        expect({ status: list.status, body: await list.json() }).toEqual({
          status: 200,
          body: { items: [] },
        });
        const replay = await fetch(`${sut.baseUrl}/v1/admin/dead-letters/replay`, {
          method: 'POST',
          headers: sut.adminHeaders(),
        });
        expect({ status: replay.status, body: await replay.json() }).toEqual({
          status: 200,
          body: { results: [] },
        });

        // Without ADMIN_TOKEN, not even a token opens them.
        expect(closed.adminToken).toBeUndefined();
        for (const [method, path] of calls) {
          const response = await fetch(`${closed.baseUrl}${path}`, {
            method,
            headers: { authorization: `Bearer ${sut.adminToken}` },
          });
          expect(response.status).toBe(401);
          expect(response.headers.get('www-authenticate')).toBe(`Bearer realm="o2c-${definition.service}"`);
          expect(await response.json()).toMatchObject({
            code: `${definition.service.toUpperCase()}.ADMIN_TOKEN_REQUIRED`,
            detail: 'the admin endpoints are closed: neither ADMIN_TOKEN nor API_KEYS is set',
          });
        }
      } finally {
        await Promise.all([sut.stop(), closed?.stop()]);
      }
    });

    it('is live but not ready when Kafka cannot be reached', async () => {
      const sut = await startServiceForTest(definition, { ...serviceEnv, KAFKA_BROKERS: '127.0.0.1:1' });
      try {
        expect((await fetch(`${sut.baseUrl}/health/live`)).status).toBe(200);
        const ready = await fetch(`${sut.baseUrl}/health/ready`);
        const body = (await ready.json()) as { error: Record<string, { status: string }> };
        expect(ready.status).toBe(503);
        expect(body.error.kafka?.status).toBe('down');
      } finally {
        await sut.stop();
      }
    });

    it('refuses a bad environment with exit code 1, naming each bad variable', async () => {
      const result = await runMain(mainJs, {
        PATH: process.env.PATH,
        KAFKA_BROKERS: 'not-a-broker-list',
        KAFKA_TOPIC_NAMESPACE: 'Not_A_Namespace',
        PORT: '99999',
        LOG_LEVEL: 'loud',
        ADMIN_TOKEN: 'too-short',
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('invalid configuration');
      for (const variable of [
        'DATABASE_URL',
        'KAFKA_BROKERS',
        'KAFKA_TOPIC_NAMESPACE',
        'PORT',
        'LOG_LEVEL',
        'ADMIN_TOKEN',
      ]) {
        expect(result.stderr).toContain(variable);
      }
    });

    it('stops cleanly on SIGTERM', async () => {
      const database = uniqueTestDatabase(definition.service);
      const topics = await createTestTopics(definition.service);
      const port = await freePort();
      try {
        const result = await runMain(
          mainJs,
          {
            ...process.env,
            ...serviceEnv,
            KAFKA_TOPIC_NAMESPACE: topics.namespace,
            DATABASE_URL: database.url,
            PORT: String(port),
            LOG_LEVEL: 'info',
          },
          async (child, listening) => {
            expect(listening).toBe(port);
            expect((await fetch(`http://127.0.0.1:${port}/health/ready`)).status).toBe(200);
            child.kill('SIGTERM');
          },
        );
        expect(result.stderr).not.toContain('shutdown took over');
        expect(result.code).toBe(0);
        expect(result.stdout).toContain(`"service":"${definition.service}"`);
      } finally {
        await Promise.all([dropDatabase(database), topics.delete()]);
      }
    });
  });
}
