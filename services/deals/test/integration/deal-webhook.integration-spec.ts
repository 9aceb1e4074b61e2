import { type DealClosedV1, eventSchemas, Topics } from '@o2c/contracts';
import { validateEventData } from '@o2c/messaging';
import { eventOn, type RunningService } from '@o2c/testing';
import { type Client } from 'pg';
import { type DealsEnv } from '../../src/config/env.schema';
import { OLD_SECRET, postDeal, sampleDeal, SECRET } from './support/deal-webhook';
import { eventsWithSubjects, startDeals, stopDeals } from './support/ops';

let sut: RunningService<DealsEnv>;
let db: Client;

async function count(sql: string, params: unknown[] = []): Promise<number> {
  return (await db.query<{ n: number }>(sql, params)).rows[0]!.n;
}

async function stored(dealId: string) {
  return {
    deals: await count('SELECT count(*)::int AS n FROM deal WHERE deal_id = $1', [dealId]),
    events: await count(`SELECT count(*)::int AS n FROM outbox WHERE subject = $1`, [`deal/${dealId}`]),
  };
}

beforeAll(async () => {
  ({ sut, db } = await startDeals());
});

afterAll(() => stopDeals({ sut, db }));

describe('POST /v1/webhooks/deals', () => {
  it('accepts a signed deal, and publishes it once with a snapshot of each catalog entry', async () => {
    const body = sampleDeal();
    const response = await postDeal(sut.baseUrl, body);
    expect(response.status).toBe(202);
    const reply = (await response.json()) as { dealId: string; status: string; contractId: string };
    expect(reply).toMatchObject({ dealId: body.deal.id, status: 'accepted' });
    expect(reply.contractId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await stored(body.deal.id)).toEqual({ deals: 1, events: 1 });

    const event = await eventOn(sut.topic(Topics.deals), (e) => e.subject === `deal/${body.deal.id}`);
    expect(event).toMatchObject({
      type: 'o2c.deal.closed.v1',
      source: 'o2c/deals',
      key: body.deal.account.id,
    });
    const data = validateEventData<DealClosedV1>(eventSchemas, event.type, event.data);
    expect(data).toMatchObject({
      dealId: body.deal.id,
      revision: 1,
      kind: 'new',
      contractId: reply.contractId,
      currency: 'EUR',
    });
    expect(data.lines.map((l) => [l.id, l.catalog.sku, l.catalog.chargeType])).toEqual([
      ['L1', 'SEAT-PRO', 'recurring'],
      ['L2', 'ONBOARDING', 'one_time'],
      ['L3', 'PLATFORM', 'recurring'],
    ]);
    expect(data.lines[0]!.catalog.provisioning).toEqual({
      licenseProduct: 'pro',
      seatsPerUnit: 1,
      features: ['sso'],
    });
  });

  it('answers the same deal id and revision with the first reply, processing nothing twice, also when they arrive together', async () => {
    const body = sampleDeal();
    const first = await postDeal(sut.baseUrl, body);
    const firstReply = await first.json();
    const again = await postDeal(sut.baseUrl, body);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(firstReply);

    const racing = sampleDeal();
    const replies = await Promise.all(Array.from({ length: 6 }, () => postDeal(sut.baseUrl, racing)));
    expect(replies.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 202]);
    const bodies = await Promise.all(replies.map((r) => r.json()));
    expect(new Set(bodies.map((b) => JSON.stringify(b))).size).toBe(1);
    expect(await stored(racing.deal.id)).toEqual({ deals: 1, events: 1 });
  });

  it('decides calls that arrive together in shared transactions, answering each with its own deal', async () => {
    const bodies = Array.from({ length: 12 }, () => sampleDeal());
    const replies = await Promise.all(bodies.map((body) => postDeal(sut.baseUrl, body)));
    expect(replies.map((r) => r.status)).toEqual(bodies.map(() => 202));
    const answers = (await Promise.all(replies.map((r) => r.json()))) as { dealId: string; status: string }[];
    expect(answers.map((a) => [a.dealId, a.status])).toEqual(bodies.map((b) => [b.deal.id, 'accepted']));
    const ids = bodies.map((b) => b.deal.id);
    // The transaction that wrote each deal's row: fewer transactions than calls (one each before the group commit).
    const transactions = await count(
      'SELECT count(DISTINCT xmin::text)::int AS n FROM deal WHERE deal_id = ANY($1)',
      [ids],
    );
    expect(transactions).toBeLessThan(ids.length);
    for (const id of ids) expect(await stored(id)).toEqual({ deals: 1, events: 1 });
  });

  it.each([
    [
      'a wrong secret',
      { secrets: ['whsec_' + Buffer.from('not the secret at all!').toString('base64')] },
      /no signature matches|No matching signature/,
    ],
    ['a stale timestamp', { timestamp: new Date(Date.now() - 6 * 60_000) }, /too old/],
    ['a future timestamp', { timestamp: new Date(Date.now() + 6 * 60_000) }, /too new/],
    [
      'a tampered body',
      { tamper: (raw: string) => raw.replace('"quantity":50', '"quantity":500') },
      /signature/i,
    ],
  ])('refuses %s with 401 and stores nothing', async (_case, options, reason) => {
    const body = sampleDeal();
    const response = await postDeal(sut.baseUrl, body, options);
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(((await response.json()) as { detail: string }).detail).toMatch(reason);
    expect(await stored(body.deal.id)).toEqual({ deals: 0, events: 0 });
  });

  it('accepts a signature by the new secret among several during a rotation', async () => {
    const body = sampleDeal();
    const response = await postDeal(sut.baseUrl, body, { secrets: [OLD_SECRET, SECRET] });
    expect(response.status).toBe(202);
  });

  it('refuses a malformed deal with 400 naming every invalid field, and stores nothing', async () => {
    const body = sampleDeal({
      revision: 0,
      currency: 'eur',
      lines: [{ id: 'L1', sku: 'SEAT-PRO', quantity: -1, unitPrice: '1e3' }],
    });
    const response = await postDeal(sut.baseUrl, body);
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { errors: { path: string }[] };
    expect([...new Set(problem.errors.map((e) => e.path))].sort()).toEqual([
      'deal.currency',
      'deal.lines.0.quantity',
      'deal.lines.0.unitPrice',
      'deal.revision',
    ]);
    expect(await stored(body.deal.id)).toEqual({ deals: 0, events: 0 });
  });

  it('keeps a well-formed deal it cannot bill as rejected, with every reason, and publishes nothing', async () => {
    const body = sampleDeal({
      currency: 'JPY',
      lines: [
        { id: 'L1', sku: 'NO-SUCH-SKU', quantity: 1, unitPrice: '100' },
        { id: 'L2', sku: 'SEAT-BASIC', quantity: 3, unitPrice: '1000.5' },
      ],
    });
    const response = await postDeal(sut.baseUrl, body);
    expect(response.status).toBe(422);
    const problem = (await response.json()) as { reasons: string[]; code: string };
    expect(problem.code).toBe('DEALS.NOT_BILLABLE');
    expect(problem.reasons).toEqual([
      'lines.0.sku: unknown SKU NO-SUCH-SKU',
      expect.stringMatching(/^lines\.1\.unitPrice: .*1000\.5.*JPY/),
    ]);
    expect(await stored(body.deal.id)).toEqual({ deals: 1, events: 0 });
    expect((await db.query('SELECT status FROM deal WHERE deal_id = $1', [body.deal.id])).rows).toEqual([
      { status: 'rejected' },
    ]);
  });

  it('completes an amendment line named by id from the contract, also for an amendment held until then', async () => {
    const original = sampleDeal();
    const amendment = {
      type: 'deal.closed_won',
      deal: {
        id: `${original.deal.id}-A1`,
        revision: 1,
        closedAt: '2026-06-01T09:00:00Z',
        kind: 'amendment',
        amends: original.deal.id,
        account: original.deal.account,
        currency: 'EUR',
        effectiveDate: '2026-06-15',
        lines: [{ id: 'L1', quantity: 70 }],
      },
    };
    const held = await postDeal(sut.baseUrl, amendment);
    expect({ status: held.status, body: await held.json() }).toEqual({
      status: 202,
      body: { dealId: amendment.deal.id, status: 'held', contractId: null },
    });
    expect((await postDeal(sut.baseUrl, original)).status).toBe(202);

    const events = await eventsWithSubjects(sut.topic(Topics.deals), [`deal/${amendment.deal.id}`]);
    const event = events.find((e) => e.subject === `deal/${amendment.deal.id}`)!;
    const data = validateEventData<DealClosedV1>(eventSchemas, event.type, event.data);
    expect(data.lines).toEqual([
      {
        id: 'L1',
        quantity: 70,
        sku: 'SEAT-PRO',
        catalog: expect.objectContaining({ sku: 'SEAT-PRO', version: 1, chargeType: 'recurring' }) as unknown,
      },
    ]);
    expect((await db.query('SELECT body FROM deal WHERE deal_id = $1', [amendment.deal.id])).rows).toEqual([
      { body: expect.objectContaining({ lines: [{ id: 'L1', quantity: 70 }] }) as unknown },
    ]);
  });

  it('takes a cancellation without lines, and publishes it with none', async () => {
    const original = sampleDeal();
    expect((await postDeal(sut.baseUrl, original)).status).toBe(202);
    const cancellation = {
      type: 'deal.closed_won',
      deal: {
        id: `${original.deal.id}-C1`,
        revision: 1,
        closedAt: '2026-06-01T09:00:00Z',
        kind: 'cancellation',
        amends: original.deal.id,
        account: original.deal.account,
        currency: 'EUR',
        cancellation: { effective: 'end_of_term' },
      },
    };
    expect((await postDeal(sut.baseUrl, cancellation)).status).toBe(202);
    const events = await eventsWithSubjects(sut.topic(Topics.deals), [`deal/${cancellation.deal.id}`]);
    expect(events.find((e) => e.subject === `deal/${cancellation.deal.id}`)!.data).toMatchObject({
      lines: [],
    });
  });

  it('accepts an amendment dated before one already accepted, and refuses at intake, with 422, one the billing engine cannot apply where its date puts it', async () => {
    const original = sampleDeal();
    expect((await postDeal(sut.baseUrl, original)).status).toBe(202);
    const amendment = (suffix: string, effectiveDate: string, lines: unknown[]) => ({
      type: 'deal.closed_won',
      deal: {
        id: `${original.deal.id}-${suffix}`,
        revision: 1,
        closedAt: '2026-06-01T09:00:00Z',
        kind: 'amendment',
        amends: original.deal.id,
        account: original.deal.account,
        currency: 'EUR',
        effectiveDate,
        lines,
      },
    });
    // A1 adds line L9 from 08-01; A2, signed later but dated 07-01, changes L1: billing rules v1.1 §5 place it first.
    const addsL9 = amendment('A1', '2026-08-01', [
      { id: 'L9', sku: 'SEAT-PRO', quantity: 5, unitPrice: '360.00' },
    ]);
    expect((await postDeal(sut.baseUrl, addsL9)).status).toBe(202);
    const earlier = amendment('A2', '2026-07-01', [{ id: 'L1', quantity: 60 }]);
    expect((await postDeal(sut.baseUrl, earlier)).status).toBe(202);
    // A3, dated 07-15, changes L9, which does not exist yet on that day.
    const beforeItsLine = amendment('A3', '2026-07-15', [{ id: 'L9', quantity: 7 }]);
    const refused = await postDeal(sut.baseUrl, beforeItsLine);
    expect(refused.status).toBe(422);
    const problem = (await refused.json()) as { errors: { path: string; message: string }[] };
    expect(problem.errors).toEqual([
      {
        path: 'deal.amends',
        message: expect.stringContaining('line L9: the contract has no such line on 2026-07-15') as unknown,
      },
    ]);
    expect(await stored(beforeItsLine.deal.id)).toEqual({ deals: 1, events: 0 });
  });

  it('refuses a later revision of a deal already accepted, for operations, and bills nothing twice', async () => {
    const original = sampleDeal();
    expect((await postDeal(sut.baseUrl, original)).status).toBe(202);
    const revised = {
      ...original,
      deal: { ...original.deal, revision: 2, closedAt: '2026-01-21T10:00:00Z' },
    };
    const refused = await postDeal(sut.baseUrl, revised);
    expect(refused.status).toBe(422);
    const problem = (await refused.json()) as { errors: { path: string; message: string }[] };
    expect(problem.errors).toEqual([
      {
        path: 'deal.revision',
        message: expect.stringContaining(
          `revision 1 of deal ${original.deal.id} was accepted already`,
        ) as unknown,
      },
    ]);
    expect(await stored(original.deal.id)).toEqual({ deals: 2, events: 1 });
  });
});

describe('the deal table', () => {
  it('keeps no reply: a repeat is answered from the deal as it stands (the unread columns are dropped by a migration)', async () => {
    const { rows } = await db.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns
        WHERE table_name = 'deal' AND column_name IN ('reply', 'reply_status', 'status', 'reasons')
        ORDER BY 1`,
    );
    expect(rows.map((row) => row.column_name)).toEqual(['reasons', 'status']);
  });
});
