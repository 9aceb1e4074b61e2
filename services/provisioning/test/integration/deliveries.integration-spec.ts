import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { type Clock } from '@o2c/clock';
import { expectAdminOnly, type RunningService, waitForValue } from '@o2c/testing';
import { Webhook } from 'standardwebhooks';
import { DataSource } from 'typeorm';
import { type ProvisioningEnv } from '../../src/config/env.schema';
import { PROVISIONING_SETTINGS, type ProvisioningSettings } from '../../src/config/provisioning-settings';
import {
  type DeliveryView,
  DeliveryRepository,
} from '../../src/modules/deliveries/infra/delivery.repository';
import { DeliveryWorker } from '../../src/modules/deliveries/usecases/deliver-webhooks/delivery.worker';
import { WebhookSender } from '../../src/modules/deliveries/usecases/deliver-webhooks/webhook-sender';
import { WALL_CLOCK } from '../../src/modules/deliveries/wall-clock';
import {
  activated,
  catalog,
  charge,
  contract,
  getJson,
  post,
  publish,
  startProvisioning,
  TestClock,
} from './support/subscription-events';

// The products' endpoints: a local server that answers each path from a script, then 200.
interface Answer {
  status: number;
  headers?: Record<string, string>;
  delayMs?: number;
}
interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
  status: number;
}
const scripts: Record<string, Answer[]> = {};
const received: Received[] = [];
let slowMs = 0;
let server: Server;

const secret = `whsec_${randomBytes(32).toString('base64')}`;
let sut: RunningService<ProvisioningEnv>;

function startProducts(): Promise<number> {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const path = request.url ?? '';
      const answer = scripts[path]?.shift() ?? { status: 200, delayMs: slowMs };
      received.push({
        path,
        headers: request.headers as Record<string, string>,
        body,
        status: answer.status,
      });
      setTimeout(() => {
        response.writeHead(answer.status, answer.headers).end(answer.status < 300 ? 'ok' : 'not now');
      }, answer.delayMs ?? 0);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

const deliveriesOf = async (accountId: string) =>
  (await getJson<{ items: DeliveryView[] }>(sut, `/v1/accounts/${accountId}/deliveries`)).items;

async function settled(accountId: string, expected: number): Promise<DeliveryView[]> {
  return waitForValue(async () => {
    const items = await deliveriesOf(accountId);
    return items.length === expected && items.every((d) => d.status !== 'pending') ? items : undefined;
  });
}

beforeAll(async () => {
  const port = await startProducts();
  const base = `http://127.0.0.1:${port}`;
  sut = await startProvisioning(new TestClock('2026-03-01'), {
    PROVISIONING_ALLOWED_HOSTS: '127.0.0.1',
    PROVISIONING_TARGETS: `pro=${base}/pro basic=${base}/basic platform=${base}/platform`,
    PROVISIONING_WEBHOOK_SECRETS: secret,
    PROVISIONING_DELIVERY_POLL_MS: '100',
    PROVISIONING_DELIVERY_TIMEOUT_MS: '5000',
    PROVISIONING_DELIVERY_MAX_ATTEMPTS: '5',
    PROVISIONING_DELIVERY_RETRY_INITIAL_MS: '50',
    PROVISIONING_DELIVERY_RETRY_MAX_MS: '200',
  });
});

afterAll(async () => {
  await sut.stop();
  await new Promise((resolve) => server.close(resolve));
});

describe('webhooks to the products', () => {
  const v1 = contract('2026-02-01', '2027-02-01', [
    charge(catalog.seatPro, [['2026-02-01', '2027-02-01', 50]]),
    charge(catalog.seatBasic, [['2026-02-01', '2027-02-01', 10]]),
    charge(catalog.platform, [['2026-02-01', '2027-02-01', 1]]),
  ]);
  let deliveries: DeliveryView[];
  const byProduct = (product: string) => deliveries.find((d) => d.product === product)!;

  beforeAll(async () => {
    scripts['/pro'] = [{ status: 500 }, { status: 500 }, { status: 503 }];
    scripts['/basic'] = [{ status: 429, headers: { 'retry-after': '2' } }];
    scripts['/platform'] = [1, 2, 3, 4, 5].map(() => ({ status: 503 }));
    await publish(sut, [activated, v1]);
    deliveries = await settled(v1.accountId, 3);
  });

  it('delivers a change once after three failures, the log showing four attempts, signed as Standard Webhooks say', () => {
    const pro = byProduct('pro');
    expect(pro).toMatchObject({ status: 'delivered', attempts: 4, type: 'entitlement.granted' });
    expect(pro.log.map((a) => [a.attempt, a.statusCode, a.outcome])).toEqual([
      [1, 500, 'retry'],
      [2, 500, 'retry'],
      [3, 503, 'retry'],
      [4, 200, 'delivered'],
    ]);
    for (const [index, attempt] of pro.log.slice(1).entries()) {
      expect(Date.parse(attempt.attemptedAt)).toBeGreaterThanOrEqual(
        Date.parse(pro.log[index]!.nextAttemptAt!),
      );
    }

    const posts = received.filter((r) => r.headers['webhook-id'] === pro.id);
    expect(posts.map((r) => [r.path, r.status])).toEqual([
      ['/pro', 500],
      ['/pro', 500],
      ['/pro', 503],
      ['/pro', 200],
    ]);
    const accepted = posts.at(-1)!;
    expect(new Webhook(secret).verify(accepted.body, accepted.headers)).toEqual({
      type: 'entitlement.granted',
      timestamp: '2026-03-01T09:00:00.000Z',
      data: {
        accountId: v1.accountId,
        contractId: v1.contractId,
        product: 'pro',
        effectiveDate: '2026-02-01',
        entitlement: {
          product: 'pro',
          seats: 50,
          features: ['sso'],
          validFrom: '2026-02-01',
          validTo: '2027-02-01',
        },
        previous: null,
        licence: {
          licenseId: expect.any(String) as string,
          keyId: 'test-key',
          status: 'active',
          licenseKey: expect.any(String) as string,
        },
      },
    });
    const otherSecret = new Webhook(`whsec_${randomBytes(32).toString('base64')}`);
    expect(() => otherSecret.verify(accepted.body, accepted.headers)).toThrow('No matching signature found');
  });

  it('waits as long as a 429 Retry-After says', () => {
    const basic = byProduct('basic');
    expect(basic.status).toBe('delivered');
    const [first, second] = basic.log;
    expect(first).toMatchObject({ statusCode: 429, retryAfterMs: 2000, outcome: 'retry' });
    expect(Date.parse(first!.nextAttemptAt!) - Date.parse(first!.attemptedAt)).toBe(2000);
    expect(Date.parse(second!.attemptedAt)).toBeGreaterThanOrEqual(Date.parse(first!.nextAttemptAt!));
    expect(second).toMatchObject({ statusCode: 200, outcome: 'delivered' });
  });

  it('marks a delivery dead after its last attempt, and delivers it when replayed', async () => {
    const platform = byProduct('platform');
    expect(platform).toMatchObject({
      status: 'dead',
      attempts: 5,
      nextAttemptAt: null,
      lastError: 'answered 503',
    });
    expect(platform.log.map((a) => a.outcome)).toEqual(['retry', 'retry', 'retry', 'retry', 'dead']);

    const replay = await post(sut, `/v1/deliveries/${platform.id}/replay`, {});
    expect(replay.status).toBe(200);
    expect(await replay.json()).toMatchObject({ id: platform.id, status: 'pending' });
    const after = await waitForValue(async () =>
      (await deliveriesOf(v1.accountId)).find((d) => d.id === platform.id && d.status === 'delivered'),
    );
    expect(after.log.map((a) => [a.attempt, a.statusCode, a.outcome])).toEqual([
      [1, 503, 'retry'],
      [2, 503, 'retry'],
      [3, 503, 'retry'],
      [4, 503, 'retry'],
      [5, 503, 'dead'],
      [6, 200, 'delivered'],
    ]);
  });

  it('answers 404 problem+json for a delivery it does not know, 400 for an id that is not one', async () => {
    const unknown = await post(sut, `/v1/deliveries/${randomUUID()}/replay`, {});
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
    expect(await unknown.json()).toMatchObject({ status: 404, code: 'PROVISIONING.DELIVERY_NOT_FOUND' });
    expect((await post(sut, '/v1/deliveries/not-a-uuid/replay', {})).status).toBe(400);
  });

  it('shows the log, whose payloads carry licence keys, and replays only with the admin token', async () => {
    const platform = byProduct('platform');
    await expectAdminOnly(sut, [
      ['GET', `/v1/accounts/${v1.accountId}/deliveries`],
      ['POST', `/v1/deliveries/${platform.id}/replay`, {}],
      ['POST', `/v1/deliveries/${randomUUID()}/replay`, {}],
      ['POST', '/v1/deliveries/not-a-uuid/replay', {}],
    ]);
    const after = (await deliveriesOf(v1.accountId)).find((d) => d.id === platform.id);
    expect({ status: after?.status, attempts: after?.log.length }).toEqual({
      status: 'delivered',
      attempts: 6,
    });
  });
});

it('never sends one delivery twice when several workers poll at once', async () => {
  slowMs = 150; // each POST holds its delivery a while
  const contracts = [1, 2, 3, 4, 5, 6].map(() =>
    contract('2026-02-01', '2027-02-01', [charge(catalog.seatPro, [['2026-02-01', '2027-02-01', 1]])]),
  );
  await publish(sut, ...contracts.map((c): [typeof activated, typeof c] => [activated, c]));
  const app = sut.app;
  const workers = [1, 2, 3].map(
    () =>
      new DeliveryWorker(
        app.get(DataSource),
        app.get(DeliveryRepository),
        app.get(WebhookSender),
        app.get<ProvisioningSettings>(PROVISIONING_SETTINGS),
        app.get<Clock>(WALL_CLOCK),
      ),
  );
  const all = async () => (await Promise.all(contracts.map((c) => deliveriesOf(c.accountId)))).flat();
  const done = async () => {
    const items = await all();
    return items.length === contracts.length && items.every((d) => d.status === 'delivered');
  };
  // The service's own worker and three more race for the same rows.
  await Promise.all(
    workers.map(async (worker) => {
      while (!(await done())) {
        if (!(await worker.deliverNext())) await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }),
  );
  for (const delivery of await all()) {
    expect(received.filter((r) => r.headers['webhook-id'] === delivery.id)).toHaveLength(1);
  }
  slowMs = 0;
});
