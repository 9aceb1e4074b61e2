import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { EventTypes, Topics } from '@o2c/contracts';
import { type EventRecord } from '@o2c/messaging';
import {
  aDeal,
  eventOn,
  newSigningKey,
  newWebhookSecret,
  type ServiceProcess,
  type Stack,
  startStack,
  waitForValue,
} from '@o2c/testing';
import { Webhook } from 'standardwebhooks';

// One deal through the four services, each its own process: deals accepts the signed webhook, subscriptions
// makes the contract, invoicing issues the invoice, provisioning signs the licence and posts it to the product;
// every event and the product's webhook carry the trace of the webhook request, the CRM's or one deals started.
// No OTEL_* exporter is configured: the trace is there without one.

const productSecret = newWebhookSecret();

let stack: Stack;

function service(name: 'deals' | 'subscriptions' | 'invoicing' | 'provisioning'): ServiceProcess {
  return stack.service(name);
}

// The Pro product's provisioning endpoint: it takes every webhook and keeps it.
const delivered: { headers: IncomingHttpHeaders; body: string }[] = [];
let product: Server;

function startProduct(): Promise<string> {
  product = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      delivered.push({ headers: request.headers, body });
      response.writeHead(204).end();
    });
  });
  return new Promise((resolve) =>
    product.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(product.address() as AddressInfo).port}/pro`),
    ),
  );
}

beforeAll(async () => {
  const productUrl = await startProduct();
  stack = await startStack('flows', {
    // info: the request log, whose lines must carry the request's trace.
    deals: { LOG_LEVEL: 'info' },
    subscriptions: { RENEWAL_JOB_INTERVAL_MINUTES: '0' },
    invoicing: { BILL_RUN_INTERVAL_MINUTES: '0' },
    provisioning: {
      PROVISIONING_SIGNING_KEY: newSigningKey(),
      PROVISIONING_ALLOWED_HOSTS: '127.0.0.1',
      PROVISIONING_TARGETS: `pro=${productUrl}`,
      PROVISIONING_WEBHOOK_SECRETS: productSecret,
      PROVISIONING_DELIVERY_POLL_MS: '200',
    },
  });
}, 120_000);

afterAll(async () => {
  // What each process said, for when a journey fails: .o2c/flows/flows-<service>.log
  await stack?.stop();
  await new Promise((resolve) => product?.close(resolve));
});

// A term that started in the past and runs for twenty years: its first invoice is due whatever day the test
// runs, and its licence is current.
function closedWonDeal(dealId: string, accountId: string) {
  return aDeal(dealId)
    .closedAt('2025-02-20T16:03:00Z')
    .forAccount({ id: accountId, name: 'Acme GmbH', country: 'DE', taxId: 'DE123456789' })
    .inCurrency('EUR')
    .startingOn('2025-03-01')
    .forMonths(240)
    .withLine({ id: 'L1', sku: 'SEAT-PRO', quantity: 50, unitPrice: '360.00', discountPercent: '10' })
    .withLine({ id: 'L2', sku: 'ONBOARDING', quantity: 1, unitPrice: '5000.00' })
    .build();
}

interface Journey {
  readonly accountId: string;
  readonly contractId: string;
  /** o2c.deal.closed.v1, o2c.subscription.activated.v1, o2c.invoice.issued.v1, o2c.license.provisioned.v1 */
  readonly events: readonly [EventRecord, EventRecord, EventRecord, EventRecord];
  /** The Pro product's webhook of the new entitlement. */
  readonly delivery: { headers: IncomingHttpHeaders; body: string };
}

/** Posts a new deal, signed, with `headers` besides, and follows it to its four events and its product webhook. */
async function postDeal(headers: Record<string, string> = {}): Promise<Journey> {
  const accountId = `001-flow-${randomUUID()}`;
  const response = await stack.postDeal(closedWonDeal(`006-flow-${randomUUID()}`, accountId), headers);
  expect(response.status).toBe(202);
  const { contractId } = response.body as { contractId: string };

  const ofContract = (event: EventRecord) =>
    (event.data as { contractId?: string }).contractId === contractId;
  const events = await Promise.all([
    eventOn(stack.topics.topic(Topics.deals), (e) => e.type === EventTypes.dealClosed && ofContract(e)),
    eventOn(
      stack.topics.topic(Topics.subscriptions),
      (e) => e.type === EventTypes.subscriptionActivated && ofContract(e),
    ),
    eventOn(
      stack.topics.topic(Topics.invoices),
      (e) =>
        e.type === EventTypes.invoiceIssued &&
        ofContract(e) &&
        (e.data as { issueDate: string }).issueDate === '2025-03-01',
    ),
    eventOn(
      stack.topics.topic(Topics.licenses),
      (e) => e.type === EventTypes.licenseProvisioned && e.key === accountId,
    ),
  ]);
  const delivery = await waitForValue(() =>
    Promise.resolve(delivered.find((d) => d.body.includes(`"contractId":"${contractId}"`))),
  );
  return { accountId, contractId, events, delivery };
}

const TRACEPARENT = /^00-(?!0{32})([0-9a-f]{32})-(?!0{16})[0-9a-f]{16}-0[01]$/;

function traceIdOf(traceparent: string | string[] | undefined): string | undefined {
  return typeof traceparent === 'string' ? TRACEPARENT.exec(traceparent)?.[1] : undefined;
}

/** The trace ids of the journey's four events and of its product webhook, in that order. */
function traceIdsOf({ events, delivery }: Journey): (string | undefined)[] {
  return [...events.map((event) => traceIdOf(event.traceparent)), traceIdOf(delivery.headers.traceparent)];
}

/** Lines of the deals log (JSON) that `matches`. */
function dealsLog(matches: (line: Record<string, unknown>) => boolean): Record<string, unknown>[] {
  return service('deals')
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter(matches);
}

describe('order to cash', () => {
  it('turns one signed deal into one contract, one invoice and one licence, all in the trace of the webhook', async () => {
    const traceId = randomBytes(16).toString('hex');
    const journey = await postDeal({ traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` });
    const { accountId, contractId, events } = journey;
    const [closed, activated, invoiced, licensed] = events;
    expect(traceIdsOf(journey)).toEqual([traceId, traceId, traceId, traceId, traceId]);
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

    // The product gets them too, signed (its traceparent is no part of what is signed).
    const { headers, body } = journey.delivery;
    expect(new Webhook(productSecret).verify(body, headers as Record<string, string>)).toMatchObject({
      type: 'entitlement.granted',
      data: { accountId, contractId, product: 'pro' },
    });
  });

  it('starts one trace for a deal posted without a traceparent, which its events, its webhook and its log carry', async () => {
    const first = await postDeal();
    const second = await postDeal();
    const traceId = traceIdOf(first.events[0].traceparent);
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(traceIdsOf(first)).toEqual([traceId, traceId, traceId, traceId, traceId]);
    const other = traceIdOf(second.events[0].traceparent);
    expect(other).not.toBe(traceId);
    expect(traceIdsOf(second)).toEqual([other, other, other, other, other]);

    // The request log's line of the webhook, written while handling it.
    const requestLine = await waitForValue(() =>
      Promise.resolve(
        dealsLog(
          (line) =>
            line.trace_id === traceId &&
            (line.req as { url?: string } | undefined)?.url === '/v1/webhooks/deals',
        )[0],
      ),
    );
    expect(requestLine).toMatchObject({ message: 'request completed', service: 'deals' });
    expect(requestLine.span_id).toMatch(/^(?!0{16})[0-9a-f]{16}$/);
  });
});
