import { randomUUID } from 'node:crypto';
import { Topics } from '@o2c/contracts';
import { type RunningService } from '@o2c/testing';
import { type Client } from 'pg';
import { DataSource } from 'typeorm';
import { type DealsEnv } from '../../src/config/env.schema';
import { AddAcceptedDealEvent1764120000000 } from '../../src/modules/deals/infra/1764120000000-add-accepted-deal-event';
import { postDeal } from './support/deal-webhook';
import { admin, eventsWithSubjects, json, startDeals, stopDeals } from './support/ops';

let sut: RunningService<DealsEnv>;
let db: Client;

interface Money {
  amountMinor: string;
  currency: string;
}
interface PreviewDocument {
  key: string;
  kind: string;
  date: string;
  dueDate: string;
  lines: {
    chargeId: string;
    sku: string;
    amount: Money;
    tax: Money;
    explanation: { rule: string; formula: string };
  }[];
  taxRatePercent: string;
  reverseCharge: boolean;
  subtotal: Money;
  tax: Money;
  total: Money;
}
interface Preview {
  dealId: string;
  kind: string;
  contractId: string | null;
  effectiveDate: string;
  term: { startDate: string; endDate: string; autoRenew: boolean };
  tax: { sellerCountry: string; customerCountry: string; ratePercent: string; reverseCharge: boolean };
  documents: PreviewDocument[];
  net: Money;
  withoutDeal?: PreviewDocument[];
  netChange?: Money;
  skippedDeals: unknown[];
}

/** billing-rules.md §10: 2026-02-01, 12 months, annual, 50 × 360.00 USD a year, 10 % off, 30 days, renews +7 %. */
function workedExample(
  account: Record<string, unknown> = { country: 'US' },
  deal: Record<string, unknown> = {},
) {
  return {
    type: 'deal.closed_won',
    deal: {
      id: `006-${randomUUID()}`,
      revision: 1,
      closedAt: '2026-01-20T16:03:00Z',
      kind: 'new',
      account: { id: `001-${randomUUID()}`, name: 'Acme', ...account },
      currency: 'USD',
      terms: {
        startDate: '2026-02-01',
        termMonths: 12,
        billingFrequency: 'annual',
        paymentTermsDays: 30,
        autoRenew: true,
        renewalUpliftPercent: '7',
      },
      lines: [{ id: 'L1', sku: 'SEAT-PRO', quantity: 50, unitPrice: '360.00', discountPercent: '10' }],
      ...deal,
    },
  };
}

/** +20 seats from 2026-06-15 (§10): line L1 named by its id only, as the spec allows. */
function plus20Seats(original: ReturnType<typeof workedExample>) {
  return {
    type: 'deal.closed_won',
    deal: {
      id: `006-${randomUUID()}`,
      revision: 1,
      closedAt: '2026-06-01T09:00:00Z',
      kind: 'amendment',
      amends: original.deal.id,
      account: original.deal.account,
      currency: 'USD',
      effectiveDate: '2026-06-15',
      lines: [{ id: 'L1', quantity: 70 }],
    },
  };
}

const preview = (body: unknown, authorization?: string | null) =>
  admin(sut.baseUrl, '/v1/deals/preview', { method: 'POST', body, authorization });

const previewOf = async (body: unknown) => json<Preview>(await preview(body), 200);

/** Each document as a person reads it: `invoice 2026-02-01 due 2026-03-03: 1620000 + 0 tax = 1620000 USD`. */
const summary = (documents: readonly PreviewDocument[]) =>
  documents.map(
    (d) =>
      `${d.kind} ${d.date} due ${d.dueDate}: ${d.subtotal.amountMinor} + ${d.tax.amountMinor} tax = ${d.total.amountMinor} ${d.total.currency}`,
  );

/** Rows of every table the service writes. */
async function rows(): Promise<Record<string, number>> {
  const { rows: counts } = await db.query<Record<string, number>>(
    `SELECT (SELECT count(*)::int FROM deal) AS deals, (SELECT count(*)::int FROM deal_attempt) AS attempts,
            (SELECT count(*)::int FROM outbox) AS events, (SELECT count(*)::int FROM catalog_entry) AS catalog`,
  );
  return counts[0]!;
}

const previewed: string[] = [];
const accepted: string[] = [];

beforeAll(async () => {
  ({ sut, db } = await startDeals());
});

afterAll(() => stopDeals({ sut, db }));

describe('POST /v1/deals/preview', () => {
  it('bills the worked example of billing-rules.md §10 over its term and first renewal, storing nothing', async () => {
    const body = workedExample();
    previewed.push(body.deal.id);
    const before = await rows();
    const shown = await previewOf(body);
    expect(await rows()).toEqual(before);
    expect(shown).toMatchObject({
      dealId: body.deal.id,
      kind: 'new',
      contractId: null,
      effectiveDate: '2026-02-01',
      term: { startDate: '2026-02-01', endDate: '2027-02-01', autoRenew: true },
      tax: { sellerCountry: 'DE', customerCountry: 'US', ratePercent: '0', reverseCharge: false },
      skippedDeals: [],
    });
    expect(summary(shown.documents)).toEqual([
      // 50 × 360 × 0.9
      'invoice 2026-02-01 due 2026-03-03: 1620000 + 0 tax = 1620000 USD',
      // the renewal: 50 × 324 × 1.07
      'invoice 2027-02-01 due 2027-03-03: 1733400 + 0 tax = 1733400 USD',
    ]);
    expect(shown.documents[0]!.lines[0]).toMatchObject({
      chargeId: 'L1',
      sku: 'SEAT-PRO',
      explanation: { rule: 'regular', formula: expect.stringContaining('365/365 days') as unknown },
    });
    expect(shown.net).toEqual({ amountMinor: '3353400', currency: 'USD' });
    expect(shown.withoutDeal).toBeUndefined();
  });

  it('shows an amendment against the contract once accepted: its invoice of 4,101.04 and the renewal at 70 seats', async () => {
    const original = workedExample();
    expect((await postDeal(sut.baseUrl, original)).status).toBe(202);
    accepted.push(original.deal.id);
    const amendment = plus20Seats(original);
    previewed.push(amendment.deal.id);
    const before = await rows();
    const shown = await previewOf(amendment);
    expect(await rows()).toEqual(before);
    const contractId = (
      await db.query<{ contract_id: string }>('SELECT contract_id FROM deal WHERE deal_id = $1', [
        original.deal.id,
      ])
    ).rows[0]!.contract_id;
    expect(shown).toMatchObject({ kind: 'amendment', contractId, effectiveDate: '2026-06-15' });
    expect(summary(shown.documents)).toEqual([
      // 20 × 324 × 231/365 = 4,101.0410… → 4,101.04
      'invoice 2026-06-15 due 2026-07-15: 410104 + 0 tax = 410104 USD',
      // 70 × 324 × 1.07 = 24,267.60
      'invoice 2027-02-01 due 2027-03-03: 2426760 + 0 tax = 2426760 USD',
    ]);
    expect(shown.documents[0]!.key).toBe(`change:${amendment.deal.id}:invoice`);
    expect(shown.documents[0]!.lines[0]!.explanation).toMatchObject({
      rule: 'quantity_increase',
      formula: expect.stringContaining('231/365 days') as unknown,
    });
    expect(summary(shown.withoutDeal!)).toEqual([
      'invoice 2027-02-01 due 2027-03-03: 1733400 + 0 tax = 1733400 USD',
    ]);
    // 4,101.04 + 24,267.60 − 17,334.00
    expect(shown.netChange).toEqual({ amountMinor: '1103464', currency: 'USD' });
  });

  it('charges a German customer 19 % and a French one with a tax id nothing (reverse charge, seller in DE)', async () => {
    const german = workedExample({ country: 'DE' }, { currency: 'EUR' });
    const french = workedExample({ country: 'FR', taxId: 'FR40303265045' }, { currency: 'EUR' });
    previewed.push(german.deal.id, french.deal.id);
    const before = await rows();
    const [de, fr] = [await previewOf(german), await previewOf(french)];
    expect(await rows()).toEqual(before);
    expect(de.tax).toEqual({
      sellerCountry: 'DE',
      customerCountry: 'DE',
      ratePercent: '19',
      reverseCharge: false,
    });
    expect(summary(de.documents)).toEqual([
      // 16,200.00 × 19 % = 3,078.00
      'invoice 2026-02-01 due 2026-03-03: 1620000 + 307800 tax = 1927800 EUR',
      // 17,334.00 × 19 % = 3,293.46
      'invoice 2027-02-01 due 2027-03-03: 1733400 + 329346 tax = 2062746 EUR',
    ]);
    expect(de.documents[0]!.lines[0]!.tax).toEqual({ amountMinor: '307800', currency: 'EUR' });
    expect(fr.tax).toEqual({
      sellerCountry: 'DE',
      customerCountry: 'FR',
      ratePercent: '0',
      reverseCharge: true,
    });
    expect(fr.documents[0]).toMatchObject({ reverseCharge: true, total: { amountMinor: '1620000' } });
  });

  it('answers a deal the webhook would reject with 422 and every reason, storing nothing', async () => {
    const before = await rows();
    const unbillable = workedExample(
      { country: 'JP' },
      { lines: [{ id: 'L1', sku: 'SEAT-ULTRA', quantity: 1, unitPrice: '1.005' }] },
    );
    const response = await preview(unbillable);
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await response.json()).toMatchObject({
      code: 'DEALS.NOT_BILLABLE',
      dealId: unbillable.deal.id,
      reasons: [
        'account.country: no tax rate for JP: the country is not in the tax table',
        'lines.0.sku: unknown SKU SEAT-ULTRA',
        expect.stringMatching(/^lines\.0\.unitPrice: .*1\.005/) as unknown,
      ],
      errors: [
        { path: 'deal.account.country' },
        { path: 'deal.lines.0.sku' },
        { path: 'deal.lines.0.unitPrice' },
      ],
    });

    const orphan = plus20Seats(workedExample());
    const held = await preview(orphan);
    expect(held.status).toBe(422);
    expect(((await held.json()) as { reasons: string[] }).reasons).toEqual([
      `amends: deal ${orphan.deal.amends} is not accepted yet: there is no contract to preview the change against`,
    ]);

    const original = workedExample();
    expect((await postDeal(sut.baseUrl, original)).status).toBe(202);
    accepted.push(original.deal.id);
    const afterOriginal = await rows();
    const unknownLine = plus20Seats(original);
    unknownLine.deal.lines = [{ id: 'L7', quantity: 3 }];
    const refused = await preview(unknownLine);
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as { errors: { path: string }[] }).errors).toEqual([
      {
        path: 'deal.lines.0.sku',
        message: `line L7 is not a line of the contract of deal ${original.deal.id}, and the line names no sku`,
      },
    ]);
    expect(await rows()).toEqual(afterOriginal);
    expect(afterOriginal).toMatchObject({ deals: before['deals']! + 1 });
  });

  it('refuses an unauthenticated request before reading it, and a malformed body with 400', async () => {
    const response = await preview(workedExample(), null);
    expect(response.status).toBe(401);
    const malformed = workedExample();
    malformed.deal.lines = [
      { id: 'L1', sku: 'SEAT-PRO', quantity: -1, unitPrice: '360.00', discountPercent: '10' },
    ];
    const invalid = await preview(malformed);
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual([
      'deal.lines.0.quantity',
    ]);
  });

  it('emits no event for what it previewed', async () => {
    // The outbox counts above are the guarantee (every event goes through it); the topic agrees.
    const sentinel = workedExample();
    expect((await postDeal(sut.baseUrl, sentinel)).status).toBe(202);
    accepted.push(sentinel.deal.id);
    const events = await eventsWithSubjects(
      sut.topic(Topics.deals),
      accepted.map((id) => `deal/${id}`),
    );
    expect(events).toHaveLength(accepted.length);
    expect(previewed).toHaveLength(4);
    expect(events.filter((e) => previewed.some((id) => e.subject === `deal/${id}`))).toEqual([]);
  });
});

describe('contracts accepted before the deals table kept their events (AddAcceptedDealEvent1764120000000)', () => {
  it('are read back from the outbox, in its order, and previewed the same', async () => {
    const original = workedExample();
    expect((await postDeal(sut.baseUrl, original)).status).toBe(202);
    const kept = async () =>
      (
        await db.query<{ deal_id: string; accepted_seq: string; closed: unknown }>(
          `SELECT deal_id, accepted_seq, closed FROM deal WHERE status = 'accepted' ORDER BY accepted_seq`,
        )
      ).rows;
    const before = await kept();
    expect(before.map((r) => r.deal_id)).toContain(original.deal.id);

    const runner = sut.app.get(DataSource).createQueryRunner();
    try {
      const migration = new AddAcceptedDealEvent1764120000000();
      await migration.down(runner);
      await migration.up(runner);
    } finally {
      await runner.release();
    }

    const after = await kept();
    expect(after.map((r) => [r.deal_id, r.closed])).toEqual(before.map((r) => [r.deal_id, r.closed]));
    const shown = await previewOf(plus20Seats(original));
    expect(summary(shown.documents)[0]).toBe(
      'invoice 2026-06-15 due 2026-07-15: 410104 + 0 tax = 410104 USD',
    );
    // Deals accepted from then on come after those read back.
    const next = workedExample();
    expect((await postDeal(sut.baseUrl, next)).status).toBe(202);
    const last = (await kept()).at(-1)!;
    expect(last.deal_id).toBe(next.deal.id);
    expect(BigInt(last.accepted_seq)).toBeGreaterThan(BigInt(after.at(-2)!.accepted_seq));
  });
});
