import { randomUUID } from 'node:crypto';
import { type RunningService } from '@o2c/testing';
import { type Client } from 'pg';
import { type DealsEnv } from '../../src/config/env.schema';
import { postDeal, sampleDeal } from './support/deal-webhook';
import { postRaw, type RawSignOptions, startDeals, stopDeals } from './support/ops';

// Every way a deal can be refused at the webhook, one row each: the status, the field paths of the
// problem (`errors[].path`), and what is kept: nothing for 400, 401 and 413, a rejected deal for 422.

interface Line extends Record<string, unknown> {
  segments?: Record<string, unknown>[];
}
interface Deal extends Record<string, unknown> {
  id: string;
  account: Record<string, unknown>;
  terms: Record<string, unknown>;
  lines: Line[];
}

/** Leaves a field out of a deal. */
function without(deal: Deal, field: 'account' | 'terms'): void {
  delete (deal as Record<string, unknown>)[field];
}
interface Body {
  type: string;
  deal: Deal;
}

/** Deals accepted before the table runs, for the rows about changes to a contract. */
interface Contracts {
  /** A new deal, EUR, term [2026-02-01, 2029-02-01), no automatic renewal. */
  readonly original: string;
  readonly account: string;
  /** A new deal whose contract a cancellation ended. */
  readonly cancelled: string;
}

interface Case {
  readonly name: string;
  readonly status: 400 | 401 | 413 | 422;
  readonly paths: readonly string[];
  readonly body?: (contracts: Contracts) => Body | string;
  readonly sign?: RawSignOptions;
}

function sample(change: (deal: Deal, body: Body) => void = () => undefined): () => Body {
  return () => {
    const body = sampleDeal() as unknown as Body;
    change(body.deal, body);
    return body;
  };
}

/** A change (amendment, renewal, cancellation) of a contract, EUR like it, with the given fields. */
function changeOf(kind: string, amends: (c: Contracts) => string, fields: Record<string, unknown>) {
  return (contracts: Contracts): Body => {
    const { deal } = sampleDeal() as unknown as Body;
    return {
      type: 'deal.closed_won',
      deal: {
        id: `006-${randomUUID()}`,
        revision: 1,
        closedAt: '2026-05-20T09:00:00Z',
        kind,
        amends: amends(contracts),
        account: { ...deal.account, id: contracts.account },
        currency: 'EUR',
        lines: [],
        ...fields,
      } as unknown as Deal,
    };
  };
}

const original = (c: Contracts) => c.original;
const cancelled = (c: Contracts) => c.cancelled;

const cases: Case[] = [
  // 401: the signature is checked before anything else is read.
  { name: 'no webhook-signature header', status: 401, paths: [], sign: { omit: ['webhook-signature'] } },
  { name: 'no webhook-id header', status: 401, paths: [], sign: { omit: ['webhook-id'] } },
  { name: 'no webhook-timestamp header', status: 401, paths: [], sign: { omit: ['webhook-timestamp'] } },
  {
    name: 'a signature by another secret',
    status: 401,
    paths: [],
    sign: { secret: `whsec_${Buffer.from('another secret, not the one').toString('base64')}` },
  },
  {
    name: 'a timestamp 6 minutes old',
    status: 401,
    paths: [],
    sign: { timestamp: new Date(Date.now() - 6 * 60_000) },
  },
  {
    name: 'a timestamp 6 minutes ahead',
    status: 401,
    paths: [],
    sign: { timestamp: new Date(Date.now() + 6 * 60_000) },
  },
  {
    name: 'a body changed after signing',
    status: 401,
    paths: [],
    sign: { tamper: (raw) => raw.replace('"quantity":50', '"quantity":500') },
  },
  { name: 'a signature scheme other than v1', status: 401, paths: [], sign: { scheme: 'v1a,' } },

  // 400 and 413: the body as a whole.
  { name: 'a body that is not JSON', status: 400, paths: [], body: () => '{"type": "deal.closed_won", ' },
  { name: 'a JSON null body', status: 400, paths: [], body: () => 'null' },
  {
    name: 'a body over 1 MiB',
    status: 413,
    paths: [],
    body: sample((deal) => (deal.account['name'] = 'x'.repeat(1024 * 1024))),
  },
  {
    name: 'a type other than deal.closed_won',
    status: 400,
    paths: ['type'],
    body: sample((_d, body) => (body.type = 'deal.closed_lost')),
  },
  { name: 'no deal', status: 400, paths: ['deal'], body: () => '{"type":"deal.closed_won"}' },
  {
    name: 'an unknown top-level field',
    status: 400,
    paths: ['extra'],
    body: sample((_d, body) => Object.assign(body, { extra: 1 })),
  },

  // 400: the deal's own fields.
  { name: 'an empty deal id', status: 400, paths: ['deal.id'], body: sample((d) => (d.id = '')) },
  {
    name: 'a deal id over 255 characters',
    status: 400,
    paths: ['deal.id'],
    body: sample((d) => (d.id = 'D'.repeat(256))),
  },
  { name: 'revision 0', status: 400, paths: ['deal.revision'], body: sample((d) => (d['revision'] = 0)) },
  {
    name: 'a revision written as a string',
    status: 400,
    paths: ['deal.revision'],
    body: sample((d) => (d['revision'] = '1')),
  },
  {
    name: 'a fractional revision',
    status: 400,
    paths: ['deal.revision'],
    body: sample((d) => (d['revision'] = 1.5)),
  },
  {
    name: 'closedAt without a time',
    status: 400,
    paths: ['deal.closedAt'],
    body: sample((d) => (d['closedAt'] = '2026-01-20')),
  },
  {
    name: 'closedAt without an offset',
    status: 400,
    paths: ['deal.closedAt'],
    body: sample((d) => (d['closedAt'] = '2026-01-20T16:03:00')),
  },
  {
    // An unknown kind is not `new`: `amends` becomes required and `terms` refused.
    name: 'an unknown kind',
    status: 400,
    paths: ['deal.amends', 'deal.kind', 'deal.terms'],
    body: sample((d) => (d['kind'] = 'upgrade')),
  },
  {
    name: 'an unknown field in the deal',
    status: 400,
    paths: ['deal.discount'],
    body: sample((d) => (d['discount'] = '5')),
  },
  { name: 'no account', status: 400, paths: ['deal.account'], body: sample((d) => without(d, 'account')) },
  {
    name: 'a lower-case country',
    status: 400,
    paths: ['deal.account.country'],
    body: sample((d) => (d.account['country'] = 'de')),
  },
  {
    name: 'a country that does not exist',
    status: 400,
    paths: ['deal.account.country'],
    body: sample((d) => (d.account['country'] = 'XX')),
  },
  {
    name: 'an invalid billing e-mail',
    status: 400,
    paths: ['deal.account.billingEmail'],
    body: sample((d) => (d.account['billingEmail'] = 'ap-at-acme')),
  },
  {
    name: 'an empty account name',
    status: 400,
    paths: ['deal.account.name'],
    body: sample((d) => (d.account['name'] = '')),
  },
  {
    name: 'a null tax id',
    status: 400,
    paths: ['deal.account.taxId'],
    body: sample((d) => (d.account['taxId'] = null)),
  },
  {
    name: 'a lower-case currency',
    status: 400,
    paths: ['deal.currency'],
    body: sample((d) => (d['currency'] = 'eur')),
  },
  {
    name: 'a currency that does not exist',
    status: 400,
    paths: ['deal.currency'],
    body: sample((d) => (d['currency'] = 'XYZ')),
  },

  // 400: terms.
  {
    name: 'a new deal without terms',
    status: 400,
    paths: ['deal.terms'],
    body: sample((d) => without(d, 'terms')),
  },
  {
    name: 'a start date that does not exist',
    status: 400,
    paths: ['deal.terms.startDate'],
    body: sample((d) => (d.terms['startDate'] = '2026-02-30')),
  },
  {
    name: 'a term of 0 months',
    status: 400,
    paths: ['deal.terms.termMonths'],
    body: sample((d) => (d.terms['termMonths'] = 0)),
  },
  {
    name: 'a weekly billing frequency',
    status: 400,
    paths: ['deal.terms.billingFrequency'],
    body: sample((d) => (d.terms['billingFrequency'] = 'weekly')),
  },
  {
    name: 'negative payment terms',
    status: 400,
    paths: ['deal.terms.paymentTermsDays'],
    body: sample((d) => (d.terms['paymentTermsDays'] = -1)),
  },
  {
    name: 'autoRenew written as a string',
    status: 400,
    paths: ['deal.terms.autoRenew'],
    body: sample((d) => (d.terms['autoRenew'] = 'yes')),
  },
  {
    name: 'an uplift with a percent sign',
    status: 400,
    paths: ['deal.terms.renewalUpliftPercent'],
    body: sample((d) => (d.terms['renewalUpliftPercent'] = '7%')),
  },

  // 400: lines.
  {
    name: 'a new deal without lines',
    status: 400,
    paths: ['deal.lines'],
    body: sample((d) => (d.lines = [])),
  },
  {
    name: 'a line without a SKU',
    status: 400,
    paths: ['deal.lines.0.sku'],
    body: sample((d) => delete d.lines[0]!['sku']),
  },
  {
    name: 'a line with neither quantity nor unit price nor segments',
    status: 400,
    paths: ['deal.lines.1.quantity', 'deal.lines.1.unitPrice'],
    body: sample((d) => (d.lines[1] = { id: 'L2', sku: 'ONBOARDING' })),
  },
  {
    name: 'a unit price sent as a JSON number',
    status: 400,
    paths: ['deal.lines.0.unitPrice'],
    body: sample((d) => (d.lines[0]!['unitPrice'] = 360)),
  },
  {
    name: 'a negative unit price',
    status: 400,
    paths: ['deal.lines.0.unitPrice'],
    body: sample((d) => (d.lines[0]!['unitPrice'] = '-1.00')),
  },
  {
    name: 'a unit price with an exponent',
    status: 400,
    paths: ['deal.lines.0.unitPrice'],
    body: sample((d) => (d.lines[0]!['unitPrice'] = '1e3')),
  },
  {
    name: 'a negative quantity',
    status: 400,
    paths: ['deal.lines.0.quantity'],
    body: sample((d) => (d.lines[0]!['quantity'] = -1)),
  },
  // Found by the fuzzer: a revision of 1e308 is an integer to JavaScript and overflowed the stored column (a 500).
  {
    name: 'a revision beyond 32 bits',
    status: 400,
    paths: ['deal.revision'],
    body: sample((d) => (d['revision'] = 1e308)),
  },
  {
    name: 'a quantity beyond 32 bits',
    status: 400,
    paths: ['deal.lines.0.quantity'],
    body: sample((d) => (d.lines[0]!['quantity'] = 2 ** 31)),
  },
  {
    name: 'a term of more than 100 years, and payment terms of more than ten',
    status: 400,
    paths: ['deal.terms.paymentTermsDays', 'deal.terms.termMonths'],
    body: sample((d) => Object.assign(d.terms, { termMonths: 1201, paymentTermsDays: 3651 })),
  },
  {
    name: 'a discount over 100 %',
    status: 400,
    paths: ['deal.lines.0.discountPercent'],
    body: sample((d) => (d.lines[0]!['discountPercent'] = '101')),
  },
  {
    name: 'a weekly price period',
    status: 400,
    paths: ['deal.lines.0.pricePeriod'],
    body: sample((d) => (d.lines[0]!['pricePeriod'] = 'week')),
  },
  {
    name: 'segments and a quantity on one line',
    status: 400,
    paths: ['deal.lines.2.quantity'],
    body: sample((d) => (d.lines[2]!['quantity'] = 1)),
  },
  {
    name: 'an empty segment list',
    status: 400,
    paths: ['deal.lines.2.segments'],
    body: sample((d) => (d.lines[2]!.segments = [])),
  },
  {
    name: 'a segment that ends before it starts',
    status: 400,
    paths: ['deal.lines.2.segments.0.endDate'],
    body: sample((d) => (d.lines[2]!.segments![0]!['endDate'] = '2026-01-01')),
  },
  {
    name: 'a segment without a unit price',
    status: 400,
    paths: ['deal.lines.2.segments.1.unitPrice'],
    body: sample((d) => delete d.lines[2]!.segments![1]!['unitPrice']),
  },
  {
    name: 'an unknown field in a line',
    status: 400,
    paths: ['deal.lines.0.colour'],
    body: sample((d) => (d.lines[0]!['colour'] = 'red')),
  },
  {
    name: 'a catalog snapshot sent by the CRM',
    status: 400,
    paths: ['deal.lines.0.catalog'],
    body: sample((d) => (d.lines[0]!['catalog'] = { sku: 'SEAT-PRO', version: 1 })),
  },

  // 400: the fields each kind takes.
  {
    name: 'an amendment without amends and effective date, with terms',
    status: 400,
    paths: ['deal.amends', 'deal.effectiveDate', 'deal.terms'],
    body: sample((d) => (d['kind'] = 'amendment')),
  },
  {
    name: 'a new deal naming a deal it amends',
    status: 400,
    paths: ['deal.amends'],
    body: sample((d) => (d['amends'] = '006-earlier')),
  },
  {
    name: 'a new deal with an effective date',
    status: 400,
    paths: ['deal.effectiveDate'],
    body: sample((d) => (d['effectiveDate'] = '2026-03-01')),
  },
  {
    name: 'a cancellation with lines and without its cancellation',
    status: 400,
    paths: ['deal.cancellation', 'deal.lines'],
    body: sample((d) => {
      d['kind'] = 'cancellation';
      d['amends'] = '006-earlier';
      without(d, 'terms');
    }),
  },
  {
    name: 'an amendment line named by id alone with segments and a price period',
    status: 400,
    paths: ['deal.lines.0.pricePeriod', 'deal.lines.0.segments'],
    body: changeOf('amendment', original, {
      effectiveDate: '2026-06-15',
      lines: [
        {
          id: 'L1',
          pricePeriod: 'month',
          segments: [{ startDate: '2026-06-15', endDate: '2029-02-01', quantity: 60, unitPrice: '30.00' }],
        },
      ],
    }),
  },
  {
    name: 'an immediate cancellation without a date',
    status: 400,
    paths: ['deal.cancellation.date'],
    body: changeOf('cancellation', original, { cancellation: { effective: 'immediate' } }),
  },
  {
    name: 'a cancellation effective "tomorrow"',
    status: 400,
    paths: ['deal.cancellation.effective'],
    body: changeOf('cancellation', original, { cancellation: { effective: 'tomorrow', date: '2026-09-01' } }),
  },

  // 422: well-formed, not billable; kept as rejected.
  {
    name: 'an unknown SKU',
    status: 422,
    paths: ['deal.lines.0.sku'],
    body: sample((d) => (d.lines[0]!['sku'] = 'SEAT-ULTRA')),
  },
  {
    name: 'more decimals than JPY has',
    status: 422,
    paths: ['deal.lines.0.unitPrice'],
    body: sample((d) => {
      d['currency'] = 'JPY';
      d.lines = [
        { id: 'L1', sku: 'SEAT-PRO', quantity: 50, unitPrice: '360.5' },
        { id: 'L2', sku: 'ONBOARDING', quantity: 1, unitPrice: '5000' },
      ];
    }),
  },
  {
    name: 'a country that is not in the tax table',
    status: 422,
    paths: ['deal.account.country'],
    body: sample((d) => (d.account['country'] = 'JP')),
  },
  {
    name: 'a price period on a one-time line',
    status: 422,
    paths: ['deal.lines.1.pricePeriod'],
    body: sample((d) => (d.lines[1]!['pricePeriod'] = 'year')),
  },
  {
    name: 'segments on a one-time line',
    status: 422,
    paths: ['deal.lines.1.segments'],
    body: sample(
      (d) =>
        (d.lines[1] = {
          id: 'L2',
          sku: 'ONBOARDING',
          segments: [{ startDate: '2026-02-01', endDate: '2029-02-01', quantity: 1, unitPrice: '5000.00' }],
        }),
    ),
  },
  {
    name: 'a gap between ramp segments',
    status: 422,
    paths: ['deal.lines.2.segments'],
    body: sample((d) => (d.lines[2]!.segments![1]!['startDate'] = '2027-03-01')),
  },
  {
    name: 'overlapping ramp segments',
    status: 422,
    paths: ['deal.lines.2.segments'],
    body: sample((d) => (d.lines[2]!.segments![1]!['startDate'] = '2027-01-01')),
  },
  {
    name: 'ramp segments that end before the term does',
    status: 422,
    paths: ['deal.lines.2.segments'],
    body: sample((d) => d.lines[2]!.segments!.pop()),
  },
  {
    name: "a ramp segment past the term's end",
    status: 422,
    paths: ['deal.lines.2.segments.2'],
    body: sample((d) => (d.lines[2]!.segments![2]!['endDate'] = '2029-03-01')),
  },
  {
    name: "a ramp segment before the term's start",
    status: 422,
    paths: ['deal.lines.2.segments.0'],
    body: sample((d) => (d.lines[2]!.segments![0]!['startDate'] = '2026-01-01')),
  },
  {
    name: 'several reasons at once',
    status: 422,
    paths: ['deal.account.country', 'deal.lines.0.sku', 'deal.lines.2.segments'],
    body: sample((d) => {
      d.account['country'] = 'JP';
      d.lines[0]!['sku'] = 'SEAT-ULTRA';
      d.lines[2]!.segments![1]!['startDate'] = '2027-03-01';
    }),
  },

  // 422: changes checked against the contract they name.
  {
    name: 'an amendment in a currency other than the contract’s',
    status: 422,
    paths: ['deal.currency'],
    body: changeOf('amendment', original, {
      currency: 'USD',
      effectiveDate: '2026-06-15',
      lines: [{ id: 'L1', sku: 'SEAT-PRO', quantity: 70 }],
    }),
  },
  {
    name: 'a renewal in a currency other than the contract’s',
    status: 422,
    paths: ['deal.currency'],
    body: changeOf('renewal', original, {
      currency: 'USD',
      terms: {
        startDate: '2029-02-01',
        termMonths: 12,
        billingFrequency: 'annual',
        paymentTermsDays: 30,
        autoRenew: false,
      },
      lines: [{ id: 'L1', sku: 'SEAT-PRO', quantity: 50, unitPrice: '360.00' }],
    }),
  },
  {
    name: 'an amendment effective before the contract starts',
    status: 422,
    paths: ['deal.effectiveDate'],
    body: changeOf('amendment', original, {
      effectiveDate: '2026-01-15',
      lines: [{ id: 'L1', sku: 'SEAT-PRO', quantity: 70 }],
    }),
  },
  {
    name: 'an amendment effective on the day the term ends',
    status: 422,
    paths: ['deal.effectiveDate'],
    body: changeOf('amendment', original, {
      effectiveDate: '2029-02-01',
      lines: [{ id: 'L1', sku: 'SEAT-PRO', quantity: 70 }],
    }),
  },
  {
    name: 'an amendment naming by id alone a line the contract does not have',
    status: 422,
    paths: ['deal.lines.1.sku'],
    body: changeOf('amendment', original, {
      effectiveDate: '2026-06-15',
      lines: [
        { id: 'L1', quantity: 70 },
        { id: 'L9', quantity: 3 },
      ],
    }),
  },
  {
    name: 'an amendment giving a line of the contract another SKU',
    status: 422,
    paths: ['deal.lines.0.sku'],
    body: changeOf('amendment', original, {
      effectiveDate: '2026-06-15',
      lines: [{ id: 'L1', sku: 'SEAT-BASIC', quantity: 70 }],
    }),
  },
  {
    name: 'an amendment changing a one-time line',
    status: 422,
    paths: ['deal.lines.0'],
    body: changeOf('amendment', original, {
      effectiveDate: '2026-06-15',
      lines: [{ id: 'L2', quantity: 2 }],
    }),
  },
  {
    name: 'an immediate cancellation dated after the term',
    status: 422,
    paths: ['deal.cancellation.date'],
    body: changeOf('cancellation', original, {
      cancellation: { effective: 'immediate', date: '2030-01-01' },
    }),
  },
  {
    name: "an amendment's ramp that starts after its effective date",
    status: 422,
    paths: ['deal.lines.0.segments'],
    body: changeOf('amendment', original, {
      effectiveDate: '2026-06-15',
      lines: [
        {
          id: 'L4',
          sku: 'SEAT-BASIC',
          segments: [{ startDate: '2026-07-01', endDate: '2029-02-01', quantity: 10, unitPrice: '20.00' }],
        },
      ],
    }),
  },
  {
    name: "a renewal's ramp past its own term",
    status: 422,
    paths: ['deal.lines.0.segments.0'],
    body: changeOf('renewal', original, {
      terms: {
        startDate: '2029-02-01',
        termMonths: 12,
        billingFrequency: 'annual',
        paymentTermsDays: 30,
        autoRenew: false,
      },
      lines: [
        {
          id: 'L3',
          sku: 'PLATFORM',
          segments: [{ startDate: '2029-02-01', endDate: '2030-03-01', quantity: 1, unitPrice: '150000.00' }],
        },
      ],
    }),
  },
];

let sut: RunningService<DealsEnv>;
let db: Client;
let contracts: Contracts;

async function totals(): Promise<{ deals: number; events: number }> {
  const { rows } = await db.query<{ deals: number; events: number }>(
    `SELECT (SELECT count(*)::int FROM deal) AS deals, (SELECT count(*)::int FROM outbox) AS events`,
  );
  return rows[0]!;
}

async function accepted(body: unknown): Promise<void> {
  const response = await postDeal(sut.baseUrl, body);
  expect(response.status).toBe(202);
}

beforeAll(async () => {
  ({ sut, db } = await startDeals());
  const first = sampleDeal() as unknown as Body;
  first.deal.terms['autoRenew'] = false;
  await accepted(first);
  const doomed = sampleDeal() as unknown as Body;
  await accepted(doomed);
  const account = first.deal.account['id'] as string;
  contracts = { original: first.deal.id, account, cancelled: doomed.deal.id };
  await accepted(
    changeOf('cancellation', cancelled, { cancellation: { effective: 'end_of_term' } })(contracts),
  );
});

afterAll(() => stopDeals({ sut, db }));

describe('POST /v1/webhooks/deals refuses', () => {
  it('at least 40 kinds of invalid payload (this table)', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const body = (c.body ?? sample())(contracts);
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    const before = await totals();

    const response = await postRaw(sut.baseUrl, raw, c.sign);

    expect(response.status).toBe(c.status);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await response.json()) as { status: number; errors?: { path: string }[] };
    expect(problem.status).toBe(c.status);
    expect([...new Set((problem.errors ?? []).map((e) => e.path))].sort()).toEqual(c.paths);
    if (c.status === 422) {
      expect(await totals()).toEqual({ deals: before.deals + 1, events: before.events });
      const dealId = (body as Body).deal.id;
      const { rows } = await db.query('SELECT status FROM deal WHERE deal_id = $1', [dealId]);
      expect(rows).toEqual([{ status: 'rejected' }]);
    } else {
      expect(await totals()).toEqual(before);
    }
  });
});
