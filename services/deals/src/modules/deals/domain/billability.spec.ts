import { CalendarDate } from '@o2c/billing';
import { type CatalogEntrySnapshotV1 } from '@o2c/contracts';
import { billabilityProblems, type ContractFacts, segmentProblems } from './billability';
import { type ClosedDeal } from './deal';

const d = (value: string) => CalendarDate.parse(value);

const catalog = new Map<string, CatalogEntrySnapshotV1>([
  [
    'SEAT-PRO',
    { sku: 'SEAT-PRO', version: 1, name: 'Pro seat', chargeType: 'recurring', defaultPricePeriod: 'year' },
  ],
  [
    'PLATFORM',
    { sku: 'PLATFORM', version: 1, name: 'Platform', chargeType: 'recurring', defaultPricePeriod: 'year' },
  ],
  ['ONBOARDING', { sku: 'ONBOARDING', version: 1, name: 'Onboarding', chargeType: 'one_time' }],
]);
const taxRates = new Map([
  ['DE', '19'],
  ['US', '0'],
]);

const segment = (startDate: string, endDate: string, unitPrice = '100000.00') => ({
  startDate,
  endDate,
  quantity: 1,
  unitPrice,
});

/** A billable new deal: EUR, Germany, term [2026-02-01, 2029-02-01), a seat, onboarding and a three-year ramp. */
function newDeal(overrides: Partial<ClosedDeal> = {}): ClosedDeal {
  return {
    id: 'D1',
    revision: 1,
    closedAt: '2026-01-20T16:03:00Z',
    kind: 'new',
    account: { id: 'A1', name: 'Acme GmbH', country: 'DE' },
    currency: 'EUR',
    terms: {
      startDate: '2026-02-01',
      termMonths: 36,
      billingFrequency: 'annual',
      paymentTermsDays: 30,
      autoRenew: false,
    },
    lines: [
      { id: 'L1', sku: 'SEAT-PRO', quantity: 50, unitPrice: '360.00' },
      { id: 'L2', sku: 'ONBOARDING', quantity: 1, unitPrice: '5000.00' },
      {
        id: 'L3',
        sku: 'PLATFORM',
        segments: [
          segment('2026-02-01', '2027-02-01'),
          segment('2027-02-01', '2028-02-01'),
          segment('2028-02-01', '2029-02-01'),
        ],
      },
    ],
    ...overrides,
  };
}

/** An amendment of D1 effective 2026-06-15: 70 seats. */
function amendment(overrides: Partial<ClosedDeal> = {}): ClosedDeal {
  return {
    id: 'D2',
    revision: 1,
    closedAt: '2026-06-01T09:00:00Z',
    kind: 'amendment',
    amends: 'D1',
    account: { id: 'A1', name: 'Acme GmbH', country: 'DE' },
    currency: 'EUR',
    effectiveDate: '2026-06-15',
    lines: [{ id: 'L1', sku: 'SEAT-PRO', quantity: 70 }],
    ...overrides,
  };
}

const lineOf = (sku: string) => ({ sku, catalog: catalog.get(sku)! });

/** The contract of D1: EUR, [2026-02-01, 2029-02-01), no automatic renewal, the lines of newDeal(). */
const contract: ContractFacts = {
  originalDealId: 'D1',
  currency: 'EUR',
  terms: [{ startDate: d('2026-02-01'), termMonths: 36, autoRenew: false }],
  lines: new Map([
    ['L1', lineOf('SEAT-PRO')],
    ['L2', lineOf('ONBOARDING')],
    ['L3', lineOf('PLATFORM')],
  ]),
};

describe(billabilityProblems.name, () => {
  /** `null`: the contract does not exist yet. */
  const sut = (deal: ClosedDeal, known: ContractFacts | null = contract) =>
    billabilityProblems(deal, { catalog, taxRates, contract: known ?? undefined });

  it('finds nothing wrong with a billable deal', () => {
    expect(sut(newDeal())).toEqual([]);
    expect(sut(amendment())).toEqual([]);
  });

  it('reports every reason at once, the deal’s first, then line by line', () => {
    const deal = newDeal({
      account: { id: 'A1', name: 'Acme KK', country: 'JP' },
      currency: 'JPY',
      lines: [
        { id: 'L1', sku: 'SEAT-ULTRA', quantity: 50, unitPrice: '360.5' },
        { id: 'L2', sku: 'ONBOARDING', quantity: 1, unitPrice: '5000', pricePeriod: 'year' },
        {
          id: 'L3',
          sku: 'PLATFORM',
          segments: [
            segment('2026-02-01', '2027-02-01', '100000'),
            segment('2027-03-01', '2029-02-01', '120000'),
          ],
        },
      ],
    });
    expect(sut(deal)).toEqual([
      { path: 'account.country', message: 'no tax rate for JP: the country is not in the tax table' },
      { path: 'lines.0.sku', message: 'unknown SKU SEAT-ULTRA' },
      { path: 'lines.0.unitPrice', message: 'Amount "360.5" has 1 decimals but JPY allows at most 0' },
      { path: 'lines.1.pricePeriod', message: 'not allowed: ONBOARDING is a one-time charge' },
      { path: 'lines.2.segments', message: 'gap [2027-02-01, 2027-03-01) between segments 0 and 1' },
    ]);
  });

  it('refuses segments on a one-time line, without checking them as a ramp', () => {
    const deal = newDeal({
      lines: [{ id: 'L2', sku: 'ONBOARDING', segments: [segment('2026-03-01', '2026-04-01', '5000.00')] }],
    });
    expect(sut(deal)).toEqual([
      { path: 'lines.0.segments', message: 'not allowed: ONBOARDING is a one-time charge' },
    ]);
  });

  it('checks a change against the contract it names: currency, effective date; a cancelled contract takes changes that bill nothing (rules v1.1 §6)', () => {
    expect(sut(amendment({ currency: 'USD', effectiveDate: '2029-02-01' }), contract)).toEqual([
      { path: 'currency', message: 'USD differs from EUR, the currency of the contract of deal D1' },
      {
        path: 'effectiveDate',
        message: '2029-02-01 is outside the contract of deal D1, which runs [2026-02-01, 2029-02-01)',
      },
    ]);
    const cancellation = amendment({
      kind: 'cancellation',
      effectiveDate: undefined,
      lines: [],
      cancellation: { effective: 'end_of_term' },
    });
    expect(sut(cancellation, contract)).toEqual([]);
    const renewal = amendment({
      kind: 'renewal',
      effectiveDate: undefined,
      terms: {
        startDate: '2029-02-01',
        termMonths: 12,
        billingFrequency: 'annual',
        paymentTermsDays: 30,
        autoRenew: false,
      },
      lines: [{ id: 'L1', sku: 'SEAT-PRO', quantity: 50, unitPrice: '360.00' }],
    });
    expect(sut(renewal, contract)).toEqual([]);
  });

  it('takes an automatically renewing contract to run on after its term', () => {
    const renewing: ContractFacts = {
      ...contract,
      terms: [{ startDate: d('2026-02-01'), termMonths: 36, autoRenew: true, renewalTermMonths: 12 }],
    };
    expect(sut(amendment({ effectiveDate: '2031-03-01' }), renewing)).toEqual([]);
    expect(sut(amendment({ effectiveDate: '2026-01-15' }), renewing)).toEqual([
      {
        path: 'effectiveDate',
        message:
          '2026-01-15 is outside the contract of deal D1, which runs from 2026-02-01 and renews automatically',
      },
    ]);
  });

  it('checks the date of an immediate cancellation against the term', () => {
    const cancellation = (date: string) =>
      amendment({
        kind: 'cancellation',
        effectiveDate: undefined,
        lines: [],
        cancellation: { effective: 'immediate', date },
      });
    expect(sut(cancellation('2029-01-31'))).toEqual([]);
    expect(sut(cancellation('2029-02-01'))).toEqual([
      {
        path: 'cancellation.date',
        message: '2029-02-01 is outside the contract of deal D1, which runs [2026-02-01, 2029-02-01)',
      },
    ]);
  });

  it('leaves the checks that need the contract until it exists (the change is held meanwhile)', () => {
    expect(sut(amendment({ currency: 'USD', effectiveDate: '2035-01-01' }), null)).toEqual([]);
  });

  it('wants a ramp of an amendment to cover its effective date to the end of the term', () => {
    const ramp = (start: string) =>
      amendment({
        lines: [
          {
            id: 'L4',
            sku: 'SEAT-PRO',
            segments: [segment(start, '2027-02-01', '30.00'), segment('2027-02-01', '2029-02-01', '35.00')],
          },
        ],
      });
    expect(sut(ramp('2026-06-15'))).toEqual([]);
    expect(sut(ramp('2026-06-01'))).toEqual([
      {
        path: 'lines.0.segments',
        message: "the segments start on 2026-06-01, before the line's service period starts on 2026-06-15",
      },
    ]);
  });

  it('refuses a term that would end after 9999-12-31', () => {
    const deal = newDeal({
      terms: {
        startDate: '9999-01-01',
        termMonths: 24,
        billingFrequency: 'annual',
        paymentTermsDays: 30,
        autoRenew: false,
      },
    });
    expect(sut(deal)).toEqual([
      {
        path: 'terms.termMonths',
        message: 'the term does not end by 9999-12-31: 10001-1-1 is not a calendar date',
      },
    ]);
  });
  it('takes an amendment line named by id only from the contract, and refuses an id the contract lacks', () => {
    const lines = [
      { id: 'L1', quantity: 70 },
      { id: 'L3', discountPercent: '5' },
      { id: 'L9', quantity: 3 },
    ];
    expect(sut(amendment({ lines }))).toEqual([
      {
        path: 'lines.2.sku',
        message: 'line L9 is not a line of the contract of deal D1, and the line names no sku',
      },
    ]);
  });

  it('holds off looking up lines named by id only until the contract exists', () => {
    expect(sut(amendment({ lines: [{ id: 'L9', quantity: 3 }] }), null)).toEqual([]);
  });

  it('wants a SKU on every line of a deal other than an amendment', () => {
    const deal = newDeal({ lines: [{ id: 'L1', quantity: 50, unitPrice: '360.00' }] });
    expect(sut(deal)).toEqual([
      {
        path: 'lines.0.sku',
        message: 'required: only an amendment may name a line of the contract by its id alone',
      },
    ]);
  });

  it('refuses an amendment that names an existing line with another SKU, changes a one-time line, or re-ramps a line', () => {
    const lines = [
      { id: 'L1', sku: 'PLATFORM', quantity: 70 },
      { id: 'L2', quantity: 2 },
      { id: 'L3', sku: 'PLATFORM', segments: [segment('2026-06-15', '2029-02-01')] },
    ];
    expect(sut(amendment({ lines }))).toEqual([
      { path: 'lines.0.sku', message: 'PLATFORM differs from SEAT-PRO, the SKU of line L1 of the contract' },
      {
        path: 'lines.1',
        message:
          'line L2 is a one-time charge (ONBOARDING), billed once in full: an amendment cannot change it',
      },
      {
        path: 'lines.2.segments',
        message:
          'line L3 is a line of the contract: an amendment changes its quantity, unit price or discount from its effective date, not its segments',
      },
    ]);
  });
});

describe(segmentProblems.name, () => {
  const term = { start: d('2026-02-01'), end: d('2029-02-01') };
  const sut = (...segments: [string, string][]) =>
    segmentProblems(
      segments.map(([startDate, endDate]) => ({ startDate, endDate })),
      'lines.2.segments',
      term,
      term,
    );

  it('takes contiguous segments covering the period, in any order', () => {
    expect(
      sut(['2027-02-01', '2028-02-01'], ['2026-02-01', '2027-02-01'], ['2028-02-01', '2029-02-01']),
    ).toEqual([]);
  });

  it('reports overlaps, also of a segment inside another', () => {
    expect(sut(['2026-02-01', '2027-02-01'], ['2027-01-01', '2029-02-01'])).toEqual([
      { path: 'lines.2.segments', message: 'segments 0 and 1 overlap on [2027-01-01, 2027-02-01)' },
    ]);
    expect(sut(['2026-02-01', '2029-02-01'], ['2027-01-01', '2027-06-01'])).toEqual([
      { path: 'lines.2.segments', message: 'segments 0 and 1 overlap on [2027-01-01, 2027-06-01)' },
    ]);
  });

  it('reports a period not covered at its start, between segments and at its end', () => {
    expect(sut(['2026-03-01', '2027-02-01'], ['2027-04-01', '2028-01-01'])).toEqual([
      {
        path: 'lines.2.segments',
        message: "the segments start on 2026-03-01, after the line's service period starts on 2026-02-01",
      },
      { path: 'lines.2.segments', message: 'gap [2027-02-01, 2027-04-01) between segments 0 and 1' },
      {
        path: 'lines.2.segments',
        message: "the segments end on 2028-01-01, before the line's service period ends on 2029-02-01",
      },
    ]);
  });

  it('reports a segment outside the term once, as such', () => {
    expect(sut(['2026-01-01', '2027-02-01'], ['2027-02-01', '2029-03-01'])).toEqual([
      {
        path: 'lines.2.segments.0',
        message: '[2026-01-01, 2027-02-01) is outside the term [2026-02-01, 2029-02-01)',
      },
      {
        path: 'lines.2.segments.1',
        message: '[2027-02-01, 2029-03-01) is outside the term [2026-02-01, 2029-02-01)',
      },
    ]);
  });
});
