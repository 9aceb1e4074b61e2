import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { adminCall, billRun, type BillRunAnswer } from './operations';
import { type ServiceProcess, startServiceProcess } from './service-process';
import { newWebhookSecret, postSignedWebhook } from './signed-webhook';
import { createTestDatabase } from './test-database';
import { createTestTopics, type TestTopics } from './test-topics';
import { eventually } from './eventually';

export type StackService = 'deals' | 'subscriptions' | 'invoicing' | 'provisioning';

/** Settings of the stack's services: only those named start, each with its settings added to the stack's own. */
export type StackSettings = Partial<Record<StackService, Record<string, string>>>;

/** The settings that put a service's jobs under the test's control: no daily job runs by itself. */
export const asOfRunsOnly: Readonly<Record<StackService, Record<string, string>>> = {
  deals: {},
  subscriptions: { RENEWAL_JOB_INTERVAL_MINUTES: '0' },
  invoicing: { BILL_RUN_INTERVAL_MINUTES: '0', ISSUE_ON_CONTRACT_CHANGE: 'off' },
  provisioning: { PROVISIONING_JOB_INTERVAL_MINUTES: '0' },
};

/** A private key as PROVISIONING_SIGNING_KEY takes it: a fresh Ed25519 key, PKCS#8 DER in base64. */
export function newSigningKey(): string {
  return generateKeyPairSync('ed25519')
    .privateKey.export({ format: 'der', type: 'pkcs8' })
    .toString('base64');
}

/** Services of o2c running as processes on one topic namespace of their own, and what a journey does with them. */
export interface Stack {
  readonly topics: TestTopics;
  /** The secret the deals webhook verifies (`DEALS_WEBHOOK_SECRETS`). */
  readonly dealsSecret: string;
  service(name: StackService): ServiceProcess;
  /** An operations call with the service's admin token. */
  call<T>(
    name: StackService,
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
  /** POSTs `{ type: 'deal.closed_won', deal }` to the deals webhook, signed with `dealsSecret`. */
  postDeal(
    deal: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  /** Subscriptions' renewal run as of `asOf` (`POST /v1/admin/renewals`); rejects unless it answers 200. */
  renewalRun<T = { failed: { contractId: string }[] }>(asOf: string): Promise<T>;
  /** Invoicing's bill run as of `asOf`, followed to its end (see `billRun`). */
  billRun(asOf: string): Promise<BillRunAnswer>;
  /** Provisioning's run as of `asOf` (`POST /v1/admin/provisioning-runs`); rejects unless it answers 200. */
  provisioningRun<T = { failed: { contractId: string }[] }>(asOf: string): Promise<T>;
  /** A query on the service's database (the stack's own, dropped by `stop`). */
  query<R extends Record<string, unknown>>(name: StackService, sql: string, params?: unknown[]): Promise<R[]>;
  /**
   * Resolves once the contract has `versions` versions in subscriptions and invoicing and provisioning (those
   * running) have stored as many: a run started then sees every deal posted before.
   */
  settled(contractId: string, versions: number): Promise<void>;
  /** Writes each process's output to `.o2c/flows/<logName>-<service>.log`, stops them, deletes the topics. */
  stop(): Promise<void>;
}

const logDirectory = join(__dirname, '..', '..', '..', '.o2c', 'flows');

/**
 * Starts the services named in `settings`, each as its own process from its build (`npx nx run-many -t build`
 * first), in a database the stack owns, on a topic namespace `<name>-…` of their own, each with its own
 * consumer group; deals verifies `dealsSecret`.
 */
export async function startStack(name: string, settings: StackSettings): Promise<Stack> {
  const topics = await createTestTopics(name);
  const databases = new Map<StackService, Awaited<ReturnType<typeof createTestDatabase>>>();
  const clients = new Map<StackService, Client>();
  const dealsSecret = newWebhookSecret();
  const running = new Map<StackService, ServiceProcess>();
  const service = (which: StackService): ServiceProcess => {
    const process = running.get(which);
    if (!process) throw new Error(`${which} is not part of the stack ${name}`);
    return process;
  };
  const stack: Stack = {
    topics,
    dealsSecret,
    service,
    call: (which, method, path, body) => adminCall(service(which), method, path, body),
    async postDeal(deal, headers = {}) {
      const response = await postSignedWebhook(
        `${service('deals').baseUrl}/v1/webhooks/deals`,
        { type: 'deal.closed_won', deal },
        { secrets: [dealsSecret], headers },
      );
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
    async renewalRun<T>(asOf: string) {
      const answer = await adminCall<T>(service('subscriptions'), 'POST', '/v1/admin/renewals', { asOf });
      if (answer.status !== 200)
        throw new Error(`renewal run ${asOf}: ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer.body;
    },
    billRun: (asOf) => billRun(service('invoicing'), asOf),
    async provisioningRun<T>(asOf: string) {
      const answer = await adminCall<T>(service('provisioning'), 'POST', '/v1/admin/provisioning-runs', {
        asOf,
      });
      if (answer.status !== 200)
        throw new Error(`provisioning run ${asOf}: ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer.body;
    },
    async query<R extends Record<string, unknown>>(which: StackService, sql: string, params: unknown[] = []) {
      let client = clients.get(which);
      if (!client) {
        client = new Client({ connectionString: databases.get(which)!.location.url });
        clients.set(which, client);
        await client.connect();
      }
      return (await client.query<R>(sql, params)).rows;
    },
    async settled(contractId, versions) {
      await eventually(
        async () => {
          const contract = await stack.call<{ version: number }>(
            'subscriptions',
            'GET',
            `/v1/contracts/${contractId}`,
          );
          if (contract.status !== 200 || contract.body.version < versions) return undefined;
          for (const which of ['invoicing', 'provisioning'] as const) {
            if (!running.has(which)) continue;
            const [row] = await stack.query<{ n: number }>(
              which,
              'SELECT count(*)::int AS n FROM contract_version WHERE contract_id = $1',
              [contractId],
            );
            if (row!.n < versions) return undefined;
          }
          return true;
        },
        { what: `contract ${contractId} at version ${versions} everywhere` },
      );
    },
    async stop() {
      // What each process said, for when a journey fails.
      mkdirSync(logDirectory, { recursive: true });
      for (const process of running.values())
        writeFileSync(join(logDirectory, `${name}-${process.service}.log`), process.output());
      await Promise.all([...clients.values()].map((client) => client.end()));
      await Promise.all([...running.values()].map((process) => process.stop()));
      await Promise.all([...databases.values()].map((database) => database.drop()));
      await topics.delete();
    },
  };
  try {
    for (const which of ['deals', 'subscriptions', 'invoicing', 'provisioning'] as const) {
      const own = settings[which];
      if (!own) continue;
      const env = {
        KAFKA_TOPIC_NAMESPACE: topics.namespace,
        KAFKA_CONSUMER_GROUP: `${name}-${which}-${randomUUID()}`,
        ...(which === 'deals' ? { DEALS_WEBHOOK_SECRETS: dealsSecret } : {}),
        ...own,
      };
      const database = await createTestDatabase(`${name.replace(/\W/g, '_')}_${which}`);
      databases.set(which, database);
      running.set(which, await startServiceProcess(which, env, database.location));
    }
  } catch (error) {
    await stack.stop();
    throw error;
  }
  return stack;
}
