import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventTypes, Topics } from '@o2c/contracts';
import { type EventRecord } from '@o2c/messaging';
import {
  createTestTopics,
  eventOn,
  type ServiceProcess,
  startServiceProcess,
  type TestTopics,
} from '@o2c/testing';
import { Webhook } from 'standardwebhooks';

// One deal through the four services, each its own process: deals accepts the signed webhook, subscriptions
// makes the contract, invoicing issues the invoice, provisioning signs the licence; every event carries the
// trace of the webhook request.

const secret = `whsec_${randomBytes(32).toString('base64')}`;
const signingKey = generateKeyPairSync('ed25519')
  .privateKey.export({ format: 'der', type: 'pkcs8' })
  .toString('base64');

const logDirectory = join(__dirname, '..', '..', '..', '..', '.o2c', 'flows');
let topics: TestTopics;
const running = new Map<string, ServiceProcess>();

function service(name: string): ServiceProcess {
  return running.get(name)!;
}

beforeAll(async () => {
  topics = await createTestTopics('flows');
  const common = { KAFKA_TOPIC_NAMESPACE: topics.namespace };
  const own: Record<string, Record<string, string>> = {
    deals: { DEALS_WEBHOOK_SECRETS: secret },
    subscriptions: { RENEWAL_JOB_INTERVAL_MINUTES: '0' },
    invoicing: { BILL_RUN_INTERVAL_MINUTES: '0' },
    provisioning: { PROVISIONING_SIGNING_KEY: signingKey },
  };
  for (const [name, env] of Object.entries(own)) {
    const group = `flows-${name}-${randomUUID()}`;
    running.set(name, await startServiceProcess(name, { ...common, KAFKA_CONSUMER_GROUP: group, ...env }));
  }
}, 120_000);

afterAll(async () => {
  // What each process said, for when a journey fails: .o2c/flows/<service>.log
  mkdirSync(logDirectory, { recursive: true });
  for (const process of running.values())
    writeFileSync(join(logDirectory, `${process.service}.log`), process.output());
  await Promise.all([...running.values()].map((process) => process.stop()));
  await topics?.delete();
});

// A term that started in the past and runs for twenty years: its first invoice is due whatever day the test
// runs, and its licence is current.
const dealId = `006-flow-${randomUUID()}`;
const accountId = `001-flow-${randomUUID()}`;
const body = JSON.stringify({
  type: 'deal.closed_won',
  deal: {
    id: dealId,
    revision: 1,
    closedAt: '2025-02-20T16:03:00Z',
    kind: 'new',
    account: { id: accountId, name: 'Acme GmbH', country: 'DE', taxId: 'DE123456789' },
    currency: 'EUR',
    terms: {
      startDate: '2025-03-01',
      termMonths: 240,
      billingFrequency: 'annual',
      paymentTermsDays: 30,
      autoRenew: false,
    },
    lines: [
      { id: 'L1', sku: 'SEAT-PRO', quantity: 50, unitPrice: '360.00', discountPercent: '10' },
      { id: 'L2', sku: 'ONBOARDING', quantity: 1, unitPrice: '5000.00' },
    ],
  },
});

function traceIdOf(event: EventRecord): string | undefined {
  return event.traceparent?.split('-')[1];
}

describe('order to cash', () => {
  it('turns one signed deal into one contract, one invoice and one licence, all in the trace of the webhook', async () => {
    const traceId = randomBytes(16).toString('hex');
    const id = `msg_${randomUUID()}`;
    const now = new Date();
    const response = await fetch(`${service('deals').baseUrl}/v1/webhooks/deals`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': new Webhook(secret).sign(id, now, body),
        traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
      },
      body,
    });
    expect(response.status).toBe(202);
    const { contractId } = (await response.json()) as { contractId: string };

    const ofContract = (event: EventRecord) =>
      (event.data as { contractId?: string }).contractId === contractId;
    const [closed, activated, invoiced, licensed] = await Promise.all([
      eventOn(topics.topic(Topics.deals), (e) => e.type === EventTypes.dealClosed && ofContract(e)),
      eventOn(
        topics.topic(Topics.subscriptions),
        (e) => e.type === EventTypes.subscriptionActivated && ofContract(e),
      ),
      eventOn(
        topics.topic(Topics.invoices),
        (e) =>
          e.type === EventTypes.invoiceIssued &&
          ofContract(e) &&
          (e.data as { issueDate: string }).issueDate === '2025-03-01',
      ),
      eventOn(
        topics.topic(Topics.licenses),
        (e) => e.type === EventTypes.licenseProvisioned && e.key === accountId,
      ),
    ]);
    expect([closed, activated, invoiced, licensed].map(traceIdOf)).toEqual([
      traceId,
      traceId,
      traceId,
      traceId,
    ]);
    expect([closed.source, activated.source, invoiced.source, licensed.source]).toEqual([
      'o2c/deals',
      'o2c/subscriptions',
      'o2c/invoicing',
      'o2c/provisioning',
    ]);

    // Operations read what the services made with each service's ADMIN_TOKEN (startServiceProcess sets one).
    const contract = (await (
      await fetch(`${service('subscriptions').baseUrl}/v1/contracts/${contractId}`, {
        headers: service('subscriptions').adminHeaders(),
      })
    ).json()) as {
      version: number;
      status: string;
    };
    expect(contract).toMatchObject({ version: 1, status: 'active' });

    // 50 × 360.00 × 0.9 = 16,200.00 and 5,000.00; 19 % German VAT (the seller is German): 3,078.00 + 950.00.
    const invoices = (await (
      await fetch(`${service('invoicing').baseUrl}/v1/invoices?contractId=${contractId}`, {
        headers: service('invoicing').adminHeaders(),
      })
    ).json()) as { items: Record<string, unknown>[] };
    const first = invoices.items.filter((invoice) => invoice.issueDate === '2025-03-01');
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({
      number: expect.stringMatching(/^INV-2025-\d{6}$/) as unknown,
      issueDate: '2025-03-01',
      dueDate: '2025-03-31',
      subtotal: { amountMinor: '2120000', currency: 'EUR' },
      taxTotal: { amountMinor: '402800', currency: 'EUR' },
      total: { amountMinor: '2522800', currency: 'EUR' },
      reverseCharge: false,
      status: 'open',
    });

    // 50 Pro seats (one seat per unit in the catalog) with the features of SEAT-PRO.
    expect(JSON.stringify(licensed.data)).toContain('"seats":50');
    expect(licensed.data).toMatchObject({ accountId });
  });
});
