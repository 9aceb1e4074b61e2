import { randomBytes, randomUUID } from 'node:crypto';
import { type DealClosedV1, eventSchemas, Topics } from '@o2c/contracts';
import { validateEventData } from '@o2c/messaging';
import { eventOn, type RunningService, startServiceForTest } from '@o2c/testing';
import { Client } from 'pg';
import { Webhook } from 'standardwebhooks';
import { dealsService } from '../../src/app.module';
import { type DealsEnv } from '../../src/config/env.schema';
import { hubSpotSignatureV3 } from '../../src/modules/crm/hubspot/hubspot-signature.guard';
import { crmFixtureText } from '../fixtures/crm/crm-fixtures';
import { SECRET } from './support/deal-webhook';

// The CRM adapters through the running service (real PostgreSQL and Kafka), with the settings an org
// whose CRM sends the new shapes has: what real CRMs send goes through intake to o2c.deal.closed.v1,
// and a correctly signed body that is not JSON is a 400 naming the body that stores nothing.

const SALESFORCE_SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const HUBSPOT_SECRET = randomUUID();
const HUBSPOT_BASE_URL = 'https://o2c.example.com';

let sut: RunningService<DealsEnv>;
let db: Client;

beforeAll(async () => {
  sut = await startServiceForTest(dealsService, {
    DEALS_WEBHOOK_SECRETS: SECRET,
    SALESFORCE_WEBHOOK_SECRETS: SALESFORCE_SECRET,
    SALESFORCE_DEFAULT_CURRENCY: 'USD',
    SALESFORCE_TYPE_NEW: 'New Customer, New Business, Wholesale Numbers',
    HUBSPOT_CLIENT_SECRETS: HUBSPOT_SECRET,
    HUBSPOT_WEBHOOK_BASE_URL: HUBSPOT_BASE_URL,
  });
  db = new Client({ connectionString: sut.database.url });
  await db.connect();
});

afterAll(async () => {
  await db.end();
  await sut.stop();
});

/** Rows of every table intake writes to: a refused request must change none. */
async function rows(): Promise<Record<string, number>> {
  const { rows: counts } = await db.query<{ deals: number; attempts: number; events: number }>(
    `SELECT (SELECT count(*)::int FROM deal) AS deals, (SELECT count(*)::int FROM deal_attempt) AS attempts,
            (SELECT count(*)::int FROM outbox) AS events`,
  );
  return counts[0]!;
}

/** POSTs `raw` to a Standard Webhooks endpoint, signed over exactly those bytes. */
function postSigned(path: string, secret: string, raw: string, contentType = 'application/json') {
  const id = `msg_${randomUUID()}`;
  const at = new Date();
  return fetch(`${sut.baseUrl}${path}`, {
    method: 'POST',
    headers: {
      'content-type': contentType,
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign(id, at, raw),
    },
    body: raw,
  });
}

const postSalesforce = (raw: string, contentType?: string) =>
  postSigned('/v1/webhooks/salesforce/opportunities', SALESFORCE_SECRET, raw, contentType);

function postHubSpot(raw: string): Promise<Response> {
  const path = '/v1/webhooks/hubspot/deals';
  const timestamp = String(Date.now());
  const signature = hubSpotSignatureV3(HUBSPOT_SECRET, {
    method: 'POST',
    url: `${HUBSPOT_BASE_URL}${path}`,
    body: raw,
    timestamp,
  });
  return fetch(`${sut.baseUrl}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-hubspot-request-timestamp': timestamp,
      'x-hubspot-signature-v3': signature,
    },
    body: raw,
  });
}

/** The o2c.deal.closed.v1 event of a deal, checked against its schema. */
async function dealClosed(dealId: string): Promise<DealClosedV1> {
  const event = await eventOn(sut.topic(Topics.deals), (e) => e.subject === `deal/${dealId}`);
  return validateEventData<DealClosedV1>(eventSchemas, event.type, event.data);
}

describe('deals the CRMs send that the adapters used to refuse, accepted end to end', () => {
  it("a single-currency Salesforce org's Opportunity, priced in SALESFORCE_DEFAULT_CURRENCY, country from BillingCountry", async () => {
    const response = await postSalesforce(crmFixtureText('salesforce/single-currency-opportunity.json'));
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ dealId: '006Ax00000Q2sglIAB', status: 'accepted' });
    const data = await dealClosed('006Ax00000Q2sglIAB');
    expect(data).toMatchObject({
      kind: 'new',
      currency: 'USD',
      account: { id: '001Ax00000A2usaIAB', country: 'US' },
    });
    expect(data.lines.map((l) => [l.catalog.sku, l.unitPrice])).toEqual([
      ['SEAT-PRO', '360.00'],
      ['ONBOARDING', '5000.00'],
      ['PLATFORM', undefined],
    ]);
  });

  it('a Salesforce Opportunity of an org-defined Type listed in SALESFORCE_TYPE_NEW', async () => {
    const response = await postSalesforce(crmFixtureText('salesforce/custom-type-opportunity.json'));
    expect(response.status).toBe(202);
    const data = await dealClosed('006Ax00000Q3whsIAB');
    expect(data).toMatchObject({ kind: 'new', currency: 'GBP', account: { country: 'GB' } });
  });

  it('a HubSpot deal whose recurring lines start billing 12 days after the close', async () => {
    const raw = crmFixtureText('hubspot/closed-won-deal-with-delayed-start.json');
    const response = await postHubSpot(raw);
    expect(response.status).toBe(202);
    const data = await dealClosed('18273645207');
    // Closed 2026-01-20T16:03:00Z: the contract starts on 2026-02-01.
    expect(data.terms).toMatchObject({ startDate: '2026-02-01', termMonths: 36 });
    // The same records again: the first answer, as 200.
    expect((await postHubSpot(raw)).status).toBe(200);
  });
});

describe('a correctly signed body that is not JSON', () => {
  const FORM = 'type=deal.closed_won&deal%5Bid%5D=006-form&deal%5Brevision%5D=1';
  const TRUNCATED = crmFixtureText('salesforce/single-currency-opportunity.json').slice(0, 300);

  it.each([
    ['the canonical webhook', '/v1/webhooks/deals', SECRET, undefined],
    [
      'the Salesforce webhook',
      '/v1/webhooks/salesforce/opportunities',
      SALESFORCE_SECRET,
      'DEALS.CRM_PAYLOAD_INVALID',
    ],
  ])('is a 400 problem naming the body at %s, and stores nothing', async (_name, path, secret, code) => {
    const before = await rows();
    const cases: [string, string][] = [
      [FORM, 'application/x-www-form-urlencoded'],
      // Signed JSON cut short, sent as a form (as JSON, the body parser refuses it before the signature).
      [TRUNCATED, 'application/x-www-form-urlencoded'],
      ['{"type":"deal.closed_won"}', 'text/plain'],
    ];
    for (const [raw, contentType] of cases) {
      const response = await postSigned(path, secret, raw, contentType);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const problem = (await response.json()) as Record<string, unknown>;
      expect(problem).toMatchObject({
        status: 400,
        title: 'Invalid request',
        detail: expect.stringMatching(
          /^the request body must be JSON sent with Content-Type: application\/json/,
        ) as unknown,
        errors: [{ path: 'body', message: expect.any(String) as unknown }],
        instance: path,
      });
      if (code) expect(problem['code']).toBe(code);
    }
    // Sent as JSON but not JSON: refused before anything reads it, as before.
    const truncated = await postSigned(path, secret, TRUNCATED);
    expect(truncated.status).toBe(400);
    expect(await rows()).toEqual(before);
  });
});
