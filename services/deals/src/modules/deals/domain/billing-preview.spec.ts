import { BillingError, CalendarDate, type DealInput, type ScheduledDocument } from '@o2c/billing';
import { type AcceptedChange, previewSchedule, rebuildHistory } from './billing-preview';

const d = (value: string) => CalendarDate.parse(value);
const seat = { chargeType: 'recurring', defaultPricePeriod: 'year' } as const;

/** billing-rules.md §10: 2026-02-01, 12 months, annual, 50 × 360.00 USD a year, 10 % off, 30 days, +7 % on renewal. */
function workedExample(overrides: Partial<DealInput> = {}): DealInput {
  return {
    dealId: 'D1',
    kind: 'new',
    currency: 'USD',
    terms: {
      startDate: '2026-02-01',
      termMonths: 12,
      billingFrequency: 'annual',
      paymentTermsDays: 30,
      autoRenew: true,
      renewalUpliftPercent: '7',
    },
    lines: [
      { id: 'L1', sku: 'SEAT-PRO', quantity: 50, unitPrice: '360.00', discountPercent: '10', catalog: seat },
    ],
    ...overrides,
  };
}

/** +20 seats from 2026-06-15 (§10), the line named by id as the contract's event carries it. */
function plus20Seats(overrides: Partial<DealInput> = {}): DealInput {
  return {
    dealId: 'D2',
    kind: 'amendment',
    currency: 'USD',
    effectiveDate: '2026-06-15',
    lines: [{ id: 'L1', sku: 'SEAT-PRO', quantity: 70, catalog: seat }],
    ...overrides,
  };
}

const accepted = (deal: DealInput): AcceptedChange => ({ deal });

/** Each document as `kind date key: total`, amounts in minor units as a person wrote them. */
const summary = (documents: readonly ScheduledDocument[]) =>
  documents.map(
    (doc) =>
      `${doc.kind} ${doc.date.toString()} due ${doc.dueDate.toString()} ${doc.key}: ${doc.lines
        .map((line) => line.amountMinor)
        .join(' + ')}`,
  );

describe(previewSchedule.name, () => {
  const today = d('2026-05-01');

  it('bills a new deal over its term and its first automatic renewal (billing-rules.md §10)', () => {
    const sut = previewSchedule([], workedExample(), today);
    expect(summary(sut.documents)).toEqual([
      'invoice 2026-02-01 due 2026-03-03 regular:2026-02-01: 1620000',
      // 50 × 324 × 1.07 = 17,334.00
      'invoice 2027-02-01 due 2027-03-03 regular:2027-02-01: 1733400',
    ]);
    expect(sut.from).toEqual(d('2026-02-01'));
    expect(sut.withoutDeal).toBeUndefined();
  });

  it('bills a new deal that does not renew over its term only', () => {
    const terms = { ...workedExample().terms!, autoRenew: false };
    const sut = previewSchedule([], workedExample({ terms }), today);
    expect(summary(sut.documents)).toEqual(['invoice 2026-02-01 due 2026-03-03 regular:2026-02-01: 1620000']);
  });

  it('shows an amendment its own invoice and every later document, and the contract without it', () => {
    const sut = previewSchedule([accepted(workedExample())], plus20Seats(), today);
    expect(sut.from).toEqual(d('2026-06-15'));
    expect(summary(sut.documents)).toEqual([
      // 20 × 324 × 231/365 = 4,101.0410… → 4,101.04
      'invoice 2026-06-15 due 2026-07-15 change:D2:invoice: 410104',
      // 70 × 324 × 1.07 = 24,267.60
      'invoice 2027-02-01 due 2027-03-03 regular:2027-02-01: 2426760',
    ]);
    expect(summary(sut.withoutDeal!)).toEqual([
      'invoice 2027-02-01 due 2027-03-03 regular:2027-02-01: 1733400',
    ]);
    expect(sut.version.version).toBe(2);
  });

  it('credits the rest of the period of an immediate cancellation and bills nothing after it', () => {
    const cancellation: DealInput = {
      dealId: 'D3',
      kind: 'cancellation',
      currency: 'USD',
      cancellation: { effective: 'immediate', date: '2026-08-01' },
      lines: [],
    };
    const sut = previewSchedule([accepted(workedExample())], cancellation, today);
    // 50 × 324 × 184/365 = 8,166.5753… → 8,166.58 credited
    expect(summary(sut.documents)).toEqual([
      'credit_note 2026-08-01 due 2026-08-31 change:D3:credit_note: 816658',
    ]);
    expect(summary(sut.withoutDeal!)).toEqual([
      'invoice 2027-02-01 due 2027-03-03 regular:2027-02-01: 1733400',
    ]);
  });

  it('shows that an end-of-term cancellation removes the renewal', () => {
    const cancellation: DealInput = {
      dealId: 'D3',
      kind: 'cancellation',
      currency: 'USD',
      cancellation: { effective: 'end_of_term' },
      lines: [],
    };
    const sut = previewSchedule([accepted(workedExample())], cancellation, today);
    expect(sut.from).toEqual(d('2027-02-01'));
    expect(sut.documents).toEqual([]);
    expect(summary(sut.withoutDeal!)).toEqual([
      'invoice 2027-02-01 due 2027-03-03 regular:2027-02-01: 1733400',
    ]);
  });

  it('puts a renewal deal in place of the automatic renewal', () => {
    const renewal: DealInput = {
      dealId: 'D4',
      kind: 'renewal',
      currency: 'USD',
      terms: {
        startDate: '2027-02-01',
        termMonths: 12,
        billingFrequency: 'annual',
        paymentTermsDays: 14,
        autoRenew: false,
      },
      lines: [{ id: 'L1', sku: 'SEAT-PRO', quantity: 60, unitPrice: '300.00', catalog: seat }],
    };
    const sut = previewSchedule([accepted(workedExample())], renewal, today);
    // 60 × 300 = 18,000.00
    expect(summary(sut.documents)).toEqual(['invoice 2027-02-01 due 2027-02-15 regular:2027-02-01: 1800000']);
    expect(summary(sut.withoutDeal!)).toEqual([
      'invoice 2027-02-01 due 2027-03-03 regular:2027-02-01: 1733400',
    ]);
  });

  it('applies an amendment dated in an automatic renewal term to that term', () => {
    const sut = previewSchedule(
      [accepted(workedExample())],
      plus20Seats({ effectiveDate: '2027-08-01' }),
      today,
    );
    // The renewal bills 50 × 346.68 (324 × 1.07) a year; 20 more from 2027-08-01: 20 × 346.68 × 184/365 = 3,495.2942… → 3,495.29
    expect(summary(sut.documents)).toEqual([
      'invoice 2027-08-01 due 2027-08-31 change:D2:invoice: 349529',
      // its first renewal, 70 × 346.68 × 1.07 = 25,966.332 → 25,966.33
      'invoice 2028-02-01 due 2028-03-02 regular:2028-02-01: 2596633',
    ]);
  });

  it('previews a new version of an accepted deal in its place', () => {
    const sut = previewSchedule(
      [accepted(workedExample()), accepted(plus20Seats())],
      plus20Seats({ lines: [{ id: 'L1', quantity: 60 }] }),
      today,
    );
    // 10 × 324 × 231/365 = 2,050.5205… → 2,050.52
    expect(summary(sut.documents)[0]).toBe('invoice 2026-06-15 due 2026-07-15 change:D2:invoice: 205052');
  });

  it('places an amendment dated before one already accepted by its date (rules v1.1 §5)', () => {
    const later = plus20Seats({
      dealId: 'D5',
      effectiveDate: '2026-09-01',
      lines: [{ id: 'L1', quantity: 80 }],
    });
    const sut = previewSchedule(
      [accepted(workedExample()), accepted(later)],
      plus20Seats({ effectiveDate: '2026-03-01' }),
      today,
    );
    // +20 from 2026-03-01: 20 × 324 × 337/365 = 5,982.9041… → 5,982.90; D5 then adds 10 more from 09-01:
    // 10 × 324 × 153/365 = 1,358.1369… → 1,358.14
    expect(summary(sut.documents).slice(0, 2)).toEqual([
      'invoice 2026-03-01 due 2026-03-31 change:D2:invoice: 598290',
      'invoice 2026-09-01 due 2026-10-01 change:D5:invoice: 135814',
    ]);
  });

  it('throws what billing cannot apply', () => {
    expect(() =>
      previewSchedule([accepted(workedExample())], plus20Seats({ currency: 'EUR' }), today),
    ).toThrow(BillingError);
  });
});

describe(rebuildHistory.name, () => {
  it('leaves out, and reports, an accepted deal billing cannot apply', () => {
    const sut = rebuildHistory(
      [
        accepted(workedExample()),
        accepted(plus20Seats({ dealId: 'D5', effectiveDate: '2026-09-01' })),
        accepted(plus20Seats({ dealId: 'D6', currency: 'EUR' })),
      ],
      d('2026-12-01'),
    );
    expect(sut.history.map((v) => v.change.id)).toEqual(['D1', 'D5']);
    expect(sut.skipped).toEqual([
      { dealId: 'D6', reason: expect.stringContaining('differs from the contract') as unknown },
    ]);
  });

  it('makes the automatic renewals due before a later change applies', () => {
    const sut = rebuildHistory(
      [accepted(workedExample()), accepted(plus20Seats({ effectiveDate: '2028-03-01' }))],
      d('2028-02-20'),
    );
    expect(sut.history.map((v) => v.change.id)).toEqual([
      'D1',
      'auto-renewal:2027-02-01',
      'auto-renewal:2028-02-01',
      'D2',
    ]);
  });
});
