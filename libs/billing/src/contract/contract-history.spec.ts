import { Fraction } from '@o2c/money';
import fc from 'fast-check';
import { addDays, CalendarDate } from '../calendar/calendar-date';
import { contractHistory, inHistoryOrder } from './contract-history';
import type { DealInput, DealLineInput } from './deal-input';
import { scheduleDocuments } from '../schedule/document-schedule';
import type { ScheduledDocument } from '../schedule/scheduled-document';

// Every expected amount below was computed by hand from billing-rules.md v1.1; the working is in the comments.

const date = (value: string) => CalendarDate.parse(value);
const perYear = { chargeType: 'recurring', defaultPricePeriod: 'year' } as const;

function newDeal(terms: Partial<NonNullable<DealInput['terms']>> = {}, lines?: DealLineInput[]): DealInput {
  return {
    dealId: 'D1',
    kind: 'new',
    currency: 'USD',
    closedAt: '2026-12-01T12:00:00Z',
    terms: {
      startDate: '2027-01-01',
      termMonths: 12,
      billingFrequency: 'annual',
      paymentTermsDays: 30,
      autoRenew: false,
      ...terms,
    },
    lines: lines ?? [{ id: 'L1', sku: 'SEAT', quantity: 10, unitPrice: '365.00', catalog: perYear }],
  };
}

const amendment = (dealId: string, effectiveDate: string, quantity: number): DealInput => ({
  dealId,
  kind: 'amendment',
  currency: 'USD',
  effectiveDate,
  lines: [{ id: 'L1', quantity }],
});

const cancellation = (dealId: string, how: 'immediate' | 'end_of_term', on: string): DealInput => ({
  dealId,
  kind: 'cancellation',
  currency: 'USD',
  closedAt: `${on}T09:00:00Z`,
  cancellation: how === 'immediate' ? { effective: how, date: on } : { effective: how },
  lines: [],
});

/** `date kind chargeId [start, end) amount` per line, in document order. */
function lines(documents: ScheduledDocument[]): string[] {
  return documents.flatMap((doc) =>
    doc.lines.map(
      (line) =>
        `${doc.date.toString()} ${doc.kind} ${line.chargeId} ${line.servicePeriod.start.toString()}..${line.servicePeriod.end.toString()} ${line.amountMinor}`,
    ),
  );
}

/** Invoiced minus credited, per document date. */
function netByDate(documents: ScheduledDocument[]): Record<string, bigint> {
  const net: Record<string, bigint> = {};
  for (const doc of documents) {
    const sign = doc.kind === 'invoice' ? 1n : -1n;
    for (const line of doc.lines) {
      net[doc.date.toString()] = (net[doc.date.toString()] ?? 0n) + sign * line.amountMinor;
    }
  }
  return net;
}

describe(contractHistory.name, () => {
  it('places deals by effective date, then by acceptance; the new deal first', () => {
    const placed = inHistoryOrder([
      newDeal(),
      amendment('A', '2027-09-10', 30),
      amendment('B', '2027-05-05', 24),
      amendment('C', '2027-05-05', 25),
    ]);
    expect(placed.map((p) => p.deal.dealId)).toEqual(['D1', 'B', 'C', 'A']);
    expect(contractHistory(placed.map((p) => p.deal)).map((v) => v.version)).toEqual([1, 2, 3, 4]);
  });

  it('applies an amendment signed later but dated earlier before the later one (§5)', () => {
    // 10 seats at 365.00/yr, annual from 2027-01-01 (365 days). In date order: +5 from 03-01 (306 days left):
    // 5 × 365 × 306/365 = 1530.00; then +5 more from 09-01 (122 days left): 5 × 365 × 122/365 = 610.00.
    const documents = scheduleDocuments(
      contractHistory([newDeal(), amendment('LATE', '2027-09-01', 20), amendment('EARLY', '2027-03-01', 15)]),
    );
    expect(lines(documents)).toEqual([
      '2027-01-01 invoice L1 2027-01-01..2028-01-01 365000',
      '2027-03-01 invoice L1 2027-03-01..2028-01-01 153000',
      '2027-09-01 invoice L1 2027-09-01..2028-01-01 61000',
    ]);
  });

  it('bills nothing for a change dated on or after an immediate cancellation (§6)', () => {
    // Cancelled on 07-01: credit 10 × 365 × 184/365 = 1840.00. The amendment of 08-01 and a second
    // cancellation bill nothing, whichever order they were accepted in.
    const deals = [
      newDeal(),
      amendment('AFTER', '2027-08-01', 50),
      cancellation('C1', 'immediate', '2027-07-01'),
      cancellation('C2', 'immediate', '2027-10-01'),
      cancellation('C3', 'end_of_term', '2027-11-01'),
    ];
    const history = contractHistory(deals);
    expect(history.map((v) => `${v.change.id} ${v.status}`)).toEqual([
      'D1 active',
      'C1 cancelled',
      'AFTER cancelled',
      'C2 cancelled',
      'C3 cancelled',
    ]);
    expect(lines(scheduleDocuments(history))).toEqual([
      '2027-01-01 invoice L1 2027-01-01..2028-01-01 365000',
      '2027-07-01 credit_note L1 2027-07-01..2028-01-01 184000',
    ]);
  });

  it('applies an amendment dated before an accepted cancellation before it, so the credit covers it', () => {
    // +10 from 03-01 (306 days left): 10 × 365 × 306/365 = 3060.00; cancelled 07-01 (184 days left):
    // credit 20 × 365 × 184/365 = 3680.00.
    const history = contractHistory([
      newDeal(),
      cancellation('C1', 'immediate', '2027-07-01'),
      amendment('A', '2027-03-01', 20),
    ]);
    expect(lines(scheduleDocuments(history))).toEqual([
      '2027-01-01 invoice L1 2027-01-01..2028-01-01 365000',
      '2027-03-01 invoice L1 2027-03-01..2028-01-01 306000',
      '2027-07-01 credit_note L1 2027-07-01..2028-01-01 368000',
    ]);
  });

  it('renews first, then applies a change dated in a term not renewed yet (§7)', () => {
    // Auto-renewing with 10 % uplift: the 2028 term bills 10 × 401.50; +10 seats from 2028-07-01
    // (184 of 366 days): 10 × 401.50 × 184/366 = 2018.4699… → 2018.47.
    const history = contractHistory([
      newDeal({ autoRenew: true, renewalUpliftPercent: '10' }),
      amendment('A', '2028-07-01', 20),
    ]);
    expect(history.map((v) => v.change.id)).toEqual(['D1', 'auto-renewal:2028-01-01', 'A']);
    expect(lines(scheduleDocuments(history))).toEqual([
      '2027-01-01 invoice L1 2027-01-01..2028-01-01 365000',
      '2028-01-01 invoice L1 2028-01-01..2029-01-01 401500',
      '2028-07-01 invoice L1 2028-07-01..2029-01-01 201847',
    ]);
  });

  it('ends the term running on the day an end-of-term cancellation closed', () => {
    const renewing = newDeal({ autoRenew: true });
    const inFirstTerm = contractHistory(
      [renewing, cancellation('C', 'end_of_term', '2027-06-01')],
      date('2029-06-01'),
    );
    expect(inFirstTerm.map((v) => `${v.change.id} ${v.status} ${v.term.end.toString()}`)).toEqual([
      'D1 active 2028-01-01',
      'C non_renewing 2028-01-01',
    ]);
    const inSecondTerm = contractHistory(
      [renewing, cancellation('C', 'end_of_term', '2028-02-01')],
      date('2029-06-01'),
    );
    expect(inSecondTerm.map((v) => `${v.change.id} ${v.status} ${v.term.end.toString()}`)).toEqual([
      'D1 active 2028-01-01',
      'auto-renewal:2028-01-01 active 2029-01-01',
      'C non_renewing 2029-01-01',
    ]);
  });

  it('lets a renewal deal replace the automatic renewal of the term it starts', () => {
    const history = contractHistory(
      [
        newDeal({ autoRenew: true }),
        { ...newDeal({ startDate: '2028-01-01', termMonths: 24 }), dealId: 'R', kind: 'renewal' },
      ],
      date('2029-06-01'),
    );
    expect(history.map((v) => `${v.change.id} ${v.term.start.toString()}..${v.term.end.toString()}`)).toEqual(
      ['D1 2027-01-01..2028-01-01', 'R 2028-01-01..2030-01-01'],
    );
  });
});

// The properties the issue asks for, over random contracts.
describe('contract history properties', () => {
  const start = date('2027-01-01');

  it('nets the same per document date whatever order amendments were accepted in', () => {
    const amendments = fc.uniqueArray(
      fc.record({ day: fc.integer({ min: 1, max: 3 * 365 - 1 }), quantity: fc.integer({ min: 0, max: 90 }) }),
      { minLength: 1, maxLength: 6, selector: (a) => a.day },
    );
    fc.assert(
      fc.property(
        fc.constantFrom('monthly', 'quarterly', 'annual', 'upfront' as const),
        amendments,
        fc.boolean(),
        fc.integer({ min: 0, max: 1_000_000 }),
        (billingFrequency, changes, withCancellation, seed) => {
          const deals: DealInput[] = changes.map((change, index) =>
            amendment(`A${index}`, addDays(start, change.day).toString(), change.quantity),
          );
          if (withCancellation) {
            deals.push(cancellation('C', 'immediate', addDays(start, 1 + (seed % (3 * 365 - 1))).toString()));
          }
          const base = newDeal({ termMonths: 36, billingFrequency });
          const inDateOrder = [...deals].sort((a, b) =>
            (a.effectiveDate ?? a.cancellation!.date!).localeCompare(
              b.effectiveDate ?? b.cancellation!.date!,
            ),
          );
          const shuffled = [...deals].sort(
            (a, b) =>
              ((a.dealId.charCodeAt(1) * 7919 + seed) % 13) - ((b.dealId.charCodeAt(1) * 7919 + seed) % 13),
          );
          const expected = netByDate(scheduleDocuments(contractHistory([base, ...inDateOrder])));
          expect(netByDate(scheduleDocuments(contractHistory([base, ...shuffled])))).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps the exact price over 50 renewals and rounds only the amounts on documents', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9_999_999 }),
        fc.constantFrom('3', '7', '2.5', '0.125'),
        (cents, uplift) => {
          const price = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
          const deal = newDeal(
            { termMonths: 1, billingFrequency: 'monthly', autoRenew: true, renewalUpliftPercent: uplift },
            [
              {
                id: 'L1',
                sku: 'SEAT',
                quantity: 1,
                unitPrice: price,
                pricePeriod: 'month',
                catalog: perYear,
              },
            ],
          );
          const history = contractHistory([deal], date('2031-03-01'));
          expect(history).toHaveLength(51);
          const factor = Fraction.parseDecimal(uplift)
            .add(Fraction.fromInteger(100n))
            .div(Fraction.fromInteger(100n));
          let exact = Fraction.parseDecimal(price);
          for (const version of history.slice(1)) {
            exact = exact.mul(factor);
            const charge = version.charges[0]!;
            expect(charge.chargeType === 'recurring' && charge.segments[0]!.unitPrice.equals(exact)).toBe(
              true,
            );
          }
          const last = scheduleDocuments(history).at(-1)!;
          // One month at the exact price, rounded once, half away from zero.
          const scaled = exact.mul(Fraction.fromInteger(100n));
          const floor = scaled.numerator / scaled.denominator;
          const half = Fraction.of(2n * (scaled.numerator - floor * scaled.denominator), scaled.denominator);
          expect(last.lines[0]!.amountMinor).toBe(half.compare(Fraction.ONE) >= 0 ? floor + 1n : floor);
        },
      ),
      { numRuns: 50 },
    );
  });
});
