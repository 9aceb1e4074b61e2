import { startServiceForTest, type RunningService } from '@o2c/testing';
import { Client } from 'pg';
import { dealsService } from '../../src/app.module';
import { type DealsEnv } from '../../src/config/env.schema';
import { postDeal, sampleDeal, SECRET } from './support/deal-webhook';
import { admin, ADMIN_TOKEN } from './support/ops';

// The rate limits on the running service, set low: what is over the limit is refused with 429 problem+json and
// Retry-After, and changes nothing; each limit counts only its own routes; probes are never limited.

let sut: RunningService<DealsEnv>;
let db: Client;

beforeAll(async () => {
  sut = await startServiceForTest(dealsService, {
    DEALS_WEBHOOK_SECRETS: SECRET,
    ADMIN_TOKEN,
    RATE_LIMIT_WEBHOOKS_PER_MINUTE: '3',
    RATE_LIMIT_API_PER_MINUTE: '4',
  });
  db = new Client({ connectionString: sut.database.url });
  await db.connect();
});

afterAll(async () => {
  await db.end();
  await sut.stop();
});

const dealOf = (n: number) =>
  sampleDeal({
    id: `rate-limited-${n}`,
    account: { id: `acc-rate-${n}`, name: 'Gamma GmbH', country: 'DE' },
  });

describe('rate limits', () => {
  it('refuses the webhook over its limit with 429 problem+json and Retry-After, storing nothing', async () => {
    for (const n of [1, 2, 3]) expect((await postDeal(sut.baseUrl, dealOf(n))).status).toBe(202);
    const refused = await postDeal(sut.baseUrl, dealOf(4));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({
      title: 'Too Many Requests',
      status: 429,
      code: 'DEALS.RATE_LIMITED',
      detail: expect.stringMatching(
        /^at most 3 requests a minute from one client; retry after \d+ s$/,
      ) as unknown,
    });
    const { rows } = await db.query<{ deal_id: string }>(
      `SELECT deal_id FROM deal WHERE deal_id LIKE 'rate-limited-%' ORDER BY deal_id`,
    );
    expect(rows.map((row) => row.deal_id)).toEqual(['rate-limited-1', 'rate-limited-2', 'rate-limited-3']);
  });

  it('counts the other routes on their own limit, and never limits health and metrics', async () => {
    // The webhook's limit is used up; the API's is untouched.
    for (let i = 0; i < 4; i++) expect((await admin(sut.baseUrl, '/v1/deals')).status).toBe(200);
    const refused = await admin(sut.baseUrl, '/v1/catalog', { authorization: null });
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ code: 'DEALS.RATE_LIMITED' });
    for (let i = 0; i < 10; i++) {
      expect((await fetch(`${sut.baseUrl}/health/live`)).status).toBe(200);
      expect((await fetch(`${sut.baseUrl}/metrics`)).status).toBe(200);
    }
  });
});
