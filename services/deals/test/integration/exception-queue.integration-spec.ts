import { randomUUID } from 'node:crypto';
import { type DealClosedV1, Topics } from '@o2c/contracts';
import { startServiceForTest, type RunningService } from '@o2c/testing';
import { type Client } from 'pg';
import { dealsService } from '../../src/app.module';
import { type DealsEnv } from '../../src/config/env.schema';
import { postDeal, sampleDeal, SECRET } from './support/deal-webhook';
import { admin, ADMIN_TOKEN, eventsUntil, json, startDeals, stopDeals } from './support/ops';

let sut: RunningService<DealsEnv>;
let db: Client;

interface Summary {
  dealId: string;
  status: string;
  contractId: string | null;
  reasons: string[];
}
interface Detail extends Summary {
  deal: unknown;
  history: { revision: number; source: string; outcome: string; reasons: string[] }[];
}
interface ReplayResult {
  dealId: string;
  outcome: string;
  previousStatus?: string;
  status?: string;
  contractId?: string | null;
  reasons?: string[];
}

async function eventsStored(dealId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox WHERE subject = $1`, [
    `deal/${dealId}`,
  ]);
  return rows[0]!.n;
}

/** A deal with only what is needed: one SEAT-PRO line, for `account`. */
function smallDeal(account: string, sku = 'SEAT-PRO') {
  return sampleDeal({
    account: { id: account, name: 'Beta SARL', country: 'FR' },
    currency: 'EUR',
    terms: {
      startDate: '2026-03-01',
      termMonths: 12,
      billingFrequency: 'annual',
      paymentTermsDays: 30,
      autoRenew: false,
    },
    lines: [{ id: 'L1', sku, quantity: 10, unitPrice: '100.00' }],
  });
}

/** A new catalog entry of a recurring per-seat product. */
const seatEntry = (name: string) => ({
  name,
  chargeType: 'recurring',
  defaultPricePeriod: 'year',
  provisioning: { licenseProduct: 'pro', seatsPerUnit: 1, features: ['sso'] },
});

/** Posts a new deal for `account` after the others and reads that account's events up to its own. */
async function accountEvents(
  account: string,
): Promise<{ subject: string; type: string; data: DealClosedV1 }[]> {
  const sentinel = smallDeal(account);
  expect((await postDeal(sut.baseUrl, sentinel)).status).toBe(202);
  const events = await eventsUntil(sut.topic(Topics.deals), (e) => e.subject === `deal/${sentinel.deal.id}`);
  return events
    .filter((e) => e.key === account && e.subject !== `deal/${sentinel.deal.id}`)
    .map((e) => ({ subject: e.subject!, type: e.type, data: e.data as DealClosedV1 }));
}

beforeAll(async () => {
  ({ sut, db } = await startDeals());
});

afterAll(() => stopDeals({ sut, db }));

describe('the admin token', () => {
  it.each([
    ['no Authorization header', null, 'an Authorization: Bearer <admin token or API key> header is required'],
    [
      'a wrong token',
      `Bearer ${'0'.repeat(64)}`,
      'the bearer token is neither the admin token nor an API key',
    ],
    [
      'the token as Basic credentials',
      `Basic ${ADMIN_TOKEN}`,
      'an Authorization: Bearer <admin token or API key> header is required',
    ],
  ])(
    'is required by every operations endpoint: %s gets 401 problem+json',
    async (_case, authorization, detail) => {
      const body = sampleDeal({
        lines: [{ id: 'L1', sku: 'SEAT-ULTRA-401', quantity: 1, unitPrice: '1.00' }],
      });
      expect((await postDeal(sut.baseUrl, body)).status).toBe(422);
      const calls: [string, string, unknown?][] = [
        ['GET', '/v1/deals?status=rejected'],
        ['GET', `/v1/deals/${body.deal.id}`],
        ['POST', `/v1/deals/${body.deal.id}/replay`],
        ['POST', '/v1/deals/replay', { status: 'rejected' }],
        ['PUT', '/v1/catalog/SEAT-ULTRA-401', seatEntry('Ultra seat')],
        ['POST', '/v1/deals/preview', body],
      ];
      for (const [method, path, request] of calls) {
        const response = await admin(sut.baseUrl, path, { method, body: request, authorization });
        expect(response.status).toBe(401);
        expect(response.headers.get('content-type')).toContain('application/problem+json');
        expect(response.headers.get('www-authenticate')).toBe('Bearer realm="o2c-deals"');
        expect(await response.json()).toMatchObject({
          status: 401,
          title: 'Admin token required',
          code: 'DEALS.ADMIN_TOKEN_REQUIRED',
          detail,
          instance: path,
        });
      }
      const { rows } = await db.query(
        `SELECT count(*)::int AS n FROM catalog_entry WHERE sku = 'SEAT-ULTRA-401'`,
      );
      expect(rows).toEqual([{ n: 0 }]);
      const attempts = await db.query(`SELECT source FROM deal_attempt WHERE deal_id = $1`, [body.deal.id]);
      expect(attempts.rows).toEqual([{ source: 'webhook' }]);
    },
  );

  it('is not needed to read the catalog', async () => {
    expect((await admin(sut.baseUrl, '/v1/catalog', { authorization: null })).status).toBe(200);
  });

  it('closes the operations endpoints to everyone when ADMIN_TOKEN is not set', async () => {
    const closed = await startServiceForTest(dealsService, {
      DEALS_WEBHOOK_SECRETS: SECRET,
      ADMIN_TOKEN: '',
    });
    try {
      const response = await admin(closed.baseUrl, '/v1/deals');
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="o2c-deals"');
      expect(await response.json()).toMatchObject({
        code: 'DEALS.ADMIN_TOKEN_REQUIRED',
        detail: 'the admin endpoints are closed: neither ADMIN_TOKEN nor API_KEYS is set',
      });
    } finally {
      await closed.stop();
    }
  });
});

describe('GET /v1/deals', () => {
  it('refuses a bad query with 400 naming each field', async () => {
    const response = await admin(sut.baseUrl, '/v1/deals?status=lost&limit=0&cursor=abc&colour=red');
    const problem = await json<{ errors: { path: string }[] }>(response, 400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect([...new Set(problem.errors.map((e) => e.path))].sort()).toEqual([
      'colour',
      'cursor',
      'limit',
      'status',
    ]);
    const tooMany = await json<{ errors: { path: string }[] }>(
      await admin(sut.baseUrl, '/v1/deals?limit=101'),
      400,
    );
    expect(tooMany.errors.map((e) => e.path)).toEqual(['limit']);
  });

  it('lists deals by status, newest first, a page at a time', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const body = sampleDeal({ lines: [{ id: 'L1', sku: 'SEAT-NONE', quantity: 1, unitPrice: '1.00' }] });
      expect((await postDeal(sut.baseUrl, body)).status).toBe(422);
      ids.push(body.deal.id);
    }
    const accepted = sampleDeal();
    expect((await postDeal(sut.baseUrl, accepted)).status).toBe(202);

    const seen: Summary[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { items: Summary[]; nextCursor: string | null } = await json(
        await admin(sut.baseUrl, `/v1/deals?status=rejected&limit=2${cursor ? `&cursor=${cursor}` : ''}`),
        200,
      );
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items);
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== null && pages < 100);
    expect(cursor).toBeNull();
    expect(seen.every((d) => d.status === 'rejected')).toBe(true);
    expect(seen.map((d) => d.dealId).filter((id) => ids.includes(id))).toEqual([ids[2], ids[1], ids[0]]);
    expect(seen.map((d) => d.dealId)).not.toContain(accepted.deal.id);
    expect(seen.find((d) => d.dealId === ids[0])).toMatchObject({
      contractId: null,
      reasons: ['lines.0.sku: unknown SKU SEAT-NONE'],
    });

    const acceptedPage = await json<{ items: Summary[] }>(
      await admin(sut.baseUrl, '/v1/deals?status=accepted'),
      200,
    );
    expect(acceptedPage.items[0]).toMatchObject({
      dealId: accepted.deal.id,
      status: 'accepted',
      reasons: [],
    });
  });
});

describe('GET /v1/deals/{id}', () => {
  it('answers 404 problem+json for a deal it does not know', async () => {
    const response = await admin(sut.baseUrl, '/v1/deals/006-unknown');
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await json(response, 404)).toMatchObject({
      code: 'DEALS.DEAL_NOT_FOUND',
      detail: 'no deal 006-unknown is known',
    });
  });

  it('shows the normalised deal, its status and reasons, and every attempt at every revision', async () => {
    const first = sampleDeal({ lines: [{ id: 'L1', sku: 'SEAT-NONE', quantity: 1, unitPrice: '1.00' }] });
    expect((await postDeal(sut.baseUrl, first)).status).toBe(422);
    const second = {
      ...first,
      deal: { ...first.deal, revision: 2, account: { ...first.deal.account, country: 'JP' } },
    };
    expect((await postDeal(sut.baseUrl, second)).status).toBe(422);

    const detail = await json<Detail>(await admin(sut.baseUrl, `/v1/deals/${first.deal.id}`), 200);
    expect(detail).toMatchObject({
      dealId: first.deal.id,
      revision: 2,
      kind: 'new',
      status: 'rejected',
      contractId: null,
      reasons: [
        'account.country: no tax rate for JP: the country is not in the tax table',
        'lines.0.sku: unknown SKU SEAT-NONE',
      ],
      deal: second.deal,
    });
    expect(detail.history).toEqual([
      expect.objectContaining({
        revision: 1,
        source: 'webhook',
        outcome: 'rejected',
        reasons: ['lines.0.sku: unknown SKU SEAT-NONE'],
      }),
      expect.objectContaining({
        revision: 2,
        source: 'webhook',
        outcome: 'rejected',
        reasons: [
          'account.country: no tax rate for JP: the country is not in the tax table',
          'lines.0.sku: unknown SKU SEAT-NONE',
        ],
      }),
    ]);
  });
});

describe('a rejected deal', () => {
  it('gets the same 422 problem+json when the CRM sends it again', async () => {
    const body = sampleDeal({ lines: [{ id: 'L1', sku: 'SEAT-NONE', quantity: 1, unitPrice: '1.00' }] });
    const first = await postDeal(sut.baseUrl, body);
    const again = await postDeal(sut.baseUrl, body);
    expect([first.status, again.status]).toEqual([422, 422]);
    expect(again.headers.get('content-type')).toContain('application/problem+json');
    const firstProblem = await first.json();
    expect(firstProblem).toEqual({
      type: 'about:blank',
      title: 'Deal not billable',
      status: 422,
      detail: '1 reason the deal cannot be billed; it is kept as rejected',
      code: 'DEALS.NOT_BILLABLE',
      dealId: body.deal.id,
      reasons: ['lines.0.sku: unknown SKU SEAT-NONE'],
      errors: [{ path: 'deal.lines.0.sku', message: 'unknown SKU SEAT-NONE' }],
      instance: '/v1/webhooks/deals',
    });
    expect(await again.json()).toEqual(firstProblem);
    expect(await eventsStored(body.deal.id)).toBe(0);
  });

  it('whose SKU is then added to the catalog is accepted on replay, and published exactly once', async () => {
    const account = `001-${randomUUID()}`;
    const body = smallDeal(account, 'SEAT-ULTRA');
    expect((await postDeal(sut.baseUrl, body)).status).toBe(422);
    expect(
      (
        await json<ReplayResult>(
          await admin(sut.baseUrl, `/v1/deals/${body.deal.id}/replay`, { method: 'POST' }),
          200,
        )
      ).status,
    ).toBe('rejected');

    const put = await admin(sut.baseUrl, '/v1/catalog/SEAT-ULTRA', {
      method: 'PUT',
      body: seatEntry('Ultra seat'),
    });
    expect(await json(put, 201)).toMatchObject({ sku: 'SEAT-ULTRA', version: 1 });

    const replayed = await json<ReplayResult>(
      await admin(sut.baseUrl, `/v1/deals/${body.deal.id}/replay`, { method: 'POST' }),
      200,
    );
    expect(replayed).toMatchObject({
      dealId: body.deal.id,
      outcome: 'replayed',
      previousStatus: 'rejected',
      status: 'accepted',
      reasons: [],
      detail: 'rejected before, accepted now',
    });
    expect(replayed.contractId).toMatch(/^[0-9a-f-]{36}$/);

    const again = await json<ReplayResult>(
      await admin(sut.baseUrl, `/v1/deals/${body.deal.id}/replay`, { method: 'POST' }),
      200,
    );
    expect(again).toMatchObject({
      outcome: 'unchanged',
      status: 'accepted',
      contractId: replayed.contractId,
      detail: 'the deal is accepted already; nothing was done',
    });
    // The CRM's retry now learns where the deal stands.
    const retry = await postDeal(sut.baseUrl, body);
    expect(await json(retry, 200)).toEqual({
      dealId: body.deal.id,
      status: 'accepted',
      contractId: replayed.contractId,
    });

    expect(await eventsStored(body.deal.id)).toBe(1);
    const events = await accountEvents(account);
    expect(events.map((e) => [e.subject, e.type])).toEqual([[`deal/${body.deal.id}`, 'o2c.deal.closed.v1']]);
    expect(events[0]!.data).toMatchObject({ dealId: body.deal.id, contractId: replayed.contractId });
    expect(events[0]!.data.lines[0]!.catalog).toEqual({
      sku: 'SEAT-ULTRA',
      version: 1,
      ...seatEntry('Ultra seat'),
    });

    const detail = await json<Detail>(await admin(sut.baseUrl, `/v1/deals/${body.deal.id}`), 200);
    expect(detail.history.map((h) => [h.source, h.outcome])).toEqual([
      ['webhook', 'rejected'],
      ['replay', 'rejected'],
      ['replay', 'accepted'],
      ['replay', 'unchanged'],
      ['webhook', 'duplicate'],
    ]);
  });

  it('replayed many times at once is accepted once, with one event', async () => {
    const body = sampleDeal({ lines: [{ id: 'L1', sku: 'SEAT-MEGA', quantity: 1, unitPrice: '1.00' }] });
    expect((await postDeal(sut.baseUrl, body)).status).toBe(422);
    expect(
      (await admin(sut.baseUrl, '/v1/catalog/SEAT-MEGA', { method: 'PUT', body: seatEntry('Mega seat') }))
        .status,
    ).toBe(201);

    const id = body.deal.id;
    const responses = await Promise.all([
      ...Array.from({ length: 6 }, () => admin(sut.baseUrl, `/v1/deals/${id}/replay`, { method: 'POST' })),
      ...Array.from({ length: 2 }, () =>
        admin(sut.baseUrl, '/v1/deals/replay', { method: 'POST', body: { ids: [id] } }),
      ),
    ]);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200, 200, 200]);
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as (
      ReplayResult | { results: ReplayResult[] }
    )[];
    const results = bodies.map((b) => ('results' in b ? b.results[0]! : b));
    expect(results.map((r) => r.outcome).sort()).toEqual([
      'replayed',
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged',
    ]);
    expect(new Set(results.map((r) => `${r.status} ${r.contractId}`)).size).toBe(1);
    expect(results[0]!.status).toBe('accepted');
    expect(await eventsStored(id)).toBe(1);
  });
});

describe('POST /v1/deals/replay', () => {
  it.each([
    ['neither ids nor status', {}, ['ids']],
    ['both ids and status', { ids: ['006-a'], status: 'rejected' }, ['ids']],
    ['an empty list of ids', { ids: [] }, ['ids']],
    ['over 100 ids', { ids: Array.from({ length: 101 }, (_, i) => `006-${i}`) }, ['ids']],
    ['an empty id', { ids: [''] }, ['ids']],
    ['status accepted', { status: 'accepted' }, ['status']],
    ['an unknown field', { ids: ['006-a'], force: true }, ['force']],
  ])('refuses %s with 400 naming the field', async (_case, request, paths) => {
    const problem = await json<{ errors: { path: string }[] }>(
      await admin(sut.baseUrl, '/v1/deals/replay', { method: 'POST', body: request }),
      400,
    );
    expect([...new Set(problem.errors.map((e) => e.path))].sort()).toEqual(paths);
  });

  it('replays every deal of a status, and says which deal ids it does not know', async () => {
    const stuck = [1, 2].map(() =>
      sampleDeal({ lines: [{ id: 'L1', sku: 'SEAT-GIGA', quantity: 1, unitPrice: '1.00' }] }),
    );
    const hopeless = sampleDeal({ account: { id: `001-${randomUUID()}`, name: 'Gamma KK', country: 'JP' } });
    for (const body of [...stuck, hopeless]) expect((await postDeal(sut.baseUrl, body)).status).toBe(422);
    expect(
      (await admin(sut.baseUrl, '/v1/catalog/SEAT-GIGA', { method: 'PUT', body: seatEntry('Giga seat') }))
        .status,
    ).toBe(201);

    const { results } = await json<{ results: ReplayResult[] }>(
      await admin(sut.baseUrl, '/v1/deals/replay', { method: 'POST', body: { status: 'rejected' } }),
      200,
    );
    const byId = new Map(results.map((r) => [r.dealId, r]));
    expect(byId.get(stuck[0]!.deal.id)).toMatchObject({ outcome: 'replayed', status: 'accepted' });
    expect(byId.get(stuck[1]!.deal.id)).toMatchObject({ outcome: 'replayed', status: 'accepted' });
    expect(byId.get(hopeless.deal.id)).toMatchObject({
      outcome: 'replayed',
      previousStatus: 'rejected',
      status: 'rejected',
      reasons: ['account.country: no tax rate for JP: the country is not in the tax table'],
    });

    const mixed = await json<{ results: ReplayResult[] }>(
      await admin(sut.baseUrl, '/v1/deals/replay', {
        method: 'POST',
        body: { ids: [stuck[0]!.deal.id, '006-nobody'] },
      }),
      200,
    );
    expect(mixed.results).toEqual([
      expect.objectContaining({ dealId: stuck[0]!.deal.id, outcome: 'unchanged', status: 'accepted' }),
      { dealId: '006-nobody', outcome: 'not_found', detail: 'no deal 006-nobody is known' },
    ]);
    expect((await admin(sut.baseUrl, '/v1/deals/006-nobody/replay', { method: 'POST' })).status).toBe(404);
  });
});

describe('an amendment that comes before the deal it amends', () => {
  function amendment(
    original: { deal: { id: string; account: { id: string } } },
    fields: Record<string, unknown>,
  ) {
    return {
      type: 'deal.closed_won',
      deal: {
        id: `006-${randomUUID()}`,
        revision: 1,
        closedAt: '2026-05-20T09:00:00Z',
        kind: 'amendment',
        amends: original.deal.id,
        account: { id: original.deal.account.id, name: 'Beta SARL', country: 'FR' },
        currency: 'EUR',
        effectiveDate: '2026-06-01',
        lines: [{ id: 'L1', sku: 'SEAT-PRO', quantity: 15 }],
        ...fields,
      },
    };
  }

  it('is held, and released when that deal is accepted: in order, published after it', async () => {
    const account = `001-${randomUUID()}`;
    const original = smallDeal(account);
    const first = amendment(original, {});
    const second = amendment(original, {
      effectiveDate: '2026-09-01',
      lines: [{ id: 'L1', sku: 'SEAT-PRO', quantity: 20 }],
    });
    const wrongCurrency = amendment(original, { currency: 'USD' });

    for (const body of [first, second, wrongCurrency]) {
      const held = await postDeal(sut.baseUrl, body);
      expect(await json(held, 202)).toEqual({ dealId: body.deal.id, status: 'held', contractId: null });
    }
    const heldList = await json<{ items: Summary[] }>(await admin(sut.baseUrl, '/v1/deals?status=held'), 200);
    expect(heldList.items.find((d) => d.dealId === first.deal.id)).toMatchObject({
      status: 'held',
      reasons: [`amends: deal ${original.deal.id} is not accepted yet; held until it is`],
    });
    expect(await eventsStored(first.deal.id)).toBe(0);

    const accepted = await json<{ contractId: string }>(await postDeal(sut.baseUrl, original), 202);

    for (const body of [first, second]) {
      const detail = await json<Detail>(await admin(sut.baseUrl, `/v1/deals/${body.deal.id}`), 200);
      expect(detail).toMatchObject({ status: 'accepted', contractId: accepted.contractId, reasons: [] });
      expect(detail.history.map((h) => [h.source, h.outcome])).toEqual([
        ['webhook', 'held'],
        ['release', 'accepted'],
      ]);
    }
    const rejected = await json<Detail>(await admin(sut.baseUrl, `/v1/deals/${wrongCurrency.deal.id}`), 200);
    expect(rejected).toMatchObject({
      status: 'rejected',
      reasons: [`currency: USD differs from EUR, the currency of the contract of deal ${original.deal.id}`],
    });
    // The CRM's retry of a released amendment learns where it stands.
    expect(await json(await postDeal(sut.baseUrl, first), 200)).toEqual({
      dealId: first.deal.id,
      status: 'accepted',
      contractId: accepted.contractId,
    });

    const events = await accountEvents(account);
    expect(events.map((e) => e.subject)).toEqual([
      `deal/${original.deal.id}`,
      `deal/${first.deal.id}`,
      `deal/${second.deal.id}`,
    ]);
    expect(events.map((e) => [e.data.kind, e.data.contractId])).toEqual([
      ['new', accepted.contractId],
      ['amendment', accepted.contractId],
      ['amendment', accepted.contractId],
    ]);
  });

  it('can be replayed by hand: it stays held while the deal it amends is unknown', async () => {
    const original = smallDeal(`001-${randomUUID()}`);
    const held = amendment(original, {});
    expect((await postDeal(sut.baseUrl, held)).status).toBe(202);

    const replayed = await json<ReplayResult>(
      await admin(sut.baseUrl, `/v1/deals/${held.deal.id}/replay`, { method: 'POST' }),
      200,
    );
    expect(replayed).toMatchObject({
      outcome: 'replayed',
      previousStatus: 'held',
      status: 'held',
      contractId: null,
      reasons: [`amends: deal ${original.deal.id} is not accepted yet; held until it is`],
    });
    const { results } = await json<{ results: ReplayResult[] }>(
      await admin(sut.baseUrl, '/v1/deals/replay', { method: 'POST', body: { status: 'held' } }),
      200,
    );
    expect(results.find((r) => r.dealId === held.deal.id)).toMatchObject({ status: 'held' });
    expect(await eventsStored(held.deal.id)).toBe(0);
  });
});
