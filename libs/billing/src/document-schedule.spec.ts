import { type BillingError, BillingErrorCode } from './billing.errors';
import { CalendarDate } from './calendar-date';
import type { ContractVersion } from './contract';
import { withAutomaticRenewals } from './contract-changes';
import { applyDeal, type DealInput, type DealLineInput } from './deal-input';
import { scheduleDocuments, type ScheduledDocument } from './document-schedule';

// Every expected amount below was computed by hand from billing-rules.md; the working is in the comments.

const date = (value: string) => CalendarDate.parse(value);
const perYear = { chargeType: 'recurring', defaultPricePeriod: 'year' } as const;
const perMonth = { chargeType: 'recurring', defaultPricePeriod: 'month' } as const;
const oneTime = { chargeType: 'one_time' } as const;

function newDeal(
  terms: Partial<NonNullable<DealInput['terms']>>,
  lines: DealLineInput[],
  currency = 'USD',
): DealInput {
  return {
    dealId: 'D1',
    kind: 'new',
    currency,
    terms: {
      startDate: '2027-01-01',
      termMonths: 12,
      billingFrequency: 'annual',
      paymentTermsDays: 30,
      autoRenew: false,
      ...terms,
    },
    lines,
  };
}

function amendment(dealId: string, effectiveDate: string, lines: DealLineInput[]): DealInput {
  return { dealId, kind: 'amendment', currency: 'USD', effectiveDate, lines };
}

function historyOf(...deals: DealInput[]): ContractVersion[] {
  const history: ContractVersion[] = [];
  for (const deal of deals) history.push(applyDeal(history.at(-1), deal));
  return history;
}

/** `date kind chargeId [start, end) amount` per line, in document order. */
function lines(documents: ScheduledDocument[]): string[] {
  return documents.flatMap((doc) =>
    doc.lines.map(
      (line) =>
        `${doc.date.toString()} ${doc.kind} ${line.chargeId} ${line.servicePeriod.start.toString()}..${line.servicePeriod.end.toString()} ${line.amountMinor}`,
    ),
  );
}

function total(doc: ScheduledDocument): bigint {
  return doc.lines.reduce((sum, line) => sum + line.amountMinor, 0n);
}

describe(scheduleDocuments.name, () => {
  describe('the worked example of billing rules §10', () => {
    const deal = newDeal({ startDate: '2026-02-01', autoRenew: true, renewalUpliftPercent: '7' }, [
      {
        id: 'L1',
        sku: 'SEAT-PRO',
        quantity: 50,
        unitPrice: '360.00',
        discountPercent: '10',
        catalog: perYear,
      },
    ]);
    const upsell = amendment('D2', '2026-06-15', [{ id: 'L1', quantity: 70 }]);

    it('invoices 16,200.00 USD on 2026-02-01, due 2026-03-03', () => {
      const [first] = scheduleDocuments(historyOf(deal));
      expect(first).toMatchObject({ kind: 'invoice', key: 'regular:2026-02-01' });
      expect(first!.date.toString()).toBe('2026-02-01');
      expect(first!.dueDate.toString()).toBe('2026-03-03');
      expect(lines([first!])).toEqual(['2026-02-01 invoice L1 2026-02-01..2027-02-01 1620000']);
    });

    it('bills +20 seats from 2026-06-15 for 4,101.04 USD and the renewal at 24,267.60 USD', () => {
      const documents = scheduleDocuments(withAutomaticRenewals(historyOf(deal, upsell), date('2027-02-01')));
      expect(documents.map((doc) => `${doc.date.toString()} ${doc.kind} ${total(doc)}`)).toEqual([
        '2026-02-01 invoice 1620000',
        '2026-06-15 invoice 410104',
        '2027-02-01 invoice 2426760',
      ]);
      // 20 × 324 × 231/365 = 4101.0410… → 4101.04
      expect(documents[1]!.lines[0]!.explanation).toMatchObject({
        rule: 'quantity_increase',
        quantity: 20,
        proration: { days: 231, nominalDays: 365 },
      });
      expect(documents[1]!.lines[0]!.explanation.formula).toBe(
        '20 × 360.00 × (1 − 10 %) × 12/12 months × 231/365 days = 4101.041095… → 4101.04',
      );
      // The +20 seats bill the segment the amendment made: [2026-06-15, 2027-02-01) of version 2.
      expect(documents[1]!.contractVersion).toBe(2);
      expect(
        [documents[1]!.lines[0]!.segment!.start, documents[1]!.lines[0]!.segment!.end].map(String),
      ).toEqual(['2026-06-15', '2027-02-01']);
      expect(documents[1]!.lines[0]!.explanation.exactAmount.toString()).toBe('299376/73'); // 1496880/365, reduced;
    });
  });

  describe('dates', () => {
    it.each([
      // 29th in an ordinary year: Feb is clamped to the 28th, March back on the 29th.
      ['2027-01-29', ['2027-01-29..2027-02-28', '2027-02-28..2027-03-29', '2027-03-29..2027-04-29']],
      // 30th in a leap year.
      ['2028-01-30', ['2028-01-30..2028-02-29', '2028-02-29..2028-03-30', '2028-03-30..2028-04-30']],
      ['2027-01-31', ['2027-01-31..2027-02-28', '2027-02-28..2027-03-31', '2027-03-31..2027-04-30']],
    ])('monthly from %s bills every month in full, anchored on the start', (start, periods) => {
      const documents = scheduleDocuments(
        historyOf(
          newDeal({ startDate: start, termMonths: 3, billingFrequency: 'monthly' }, [
            { id: 'L1', sku: 'SEAT-BASIC', quantity: 10, unitPrice: '25.00', catalog: perMonth },
          ]),
        ),
      );
      expect(lines(documents)).toEqual(
        periods.map((period) => `${period.slice(0, 10)} invoice L1 ${period} 25000`),
      );
    });

    it('cuts a semiannual term of 8 months short, prorated against the full nominal half-year', () => {
      // Second period [2027-07-01, 2027-09-01) is 62 of the nominal 184 days: 1200 × 6/12 × 62/184 = 202.1739… → 202.17
      const documents = scheduleDocuments(
        historyOf(
          newDeal({ termMonths: 8, billingFrequency: 'semiannual' }, [
            { id: 'L1', sku: 'PLATFORM', quantity: 1, unitPrice: '1200.00', catalog: perYear },
          ]),
        ),
      );
      expect(lines(documents)).toEqual([
        '2027-01-01 invoice L1 2027-01-01..2027-07-01 60000',
        '2027-07-01 invoice L1 2027-07-01..2027-09-01 20217',
      ]);
    });
  });

  describe('amendments', () => {
    const quarterly = newDeal({ billingFrequency: 'quarterly' }, [
      { id: 'L1', sku: 'SEAT-BASIC', quantity: 10, unitPrice: '50.00', catalog: perMonth },
    ]);

    it('on a billing boundary: no documents of its own, the regular invoice bills the new quantity', () => {
      const documents = scheduleDocuments(
        historyOf(quarterly, amendment('D2', '2027-04-01', [{ id: 'L1', quantity: 13 }])),
      );
      // 13 × 50 × 3 = 1950.00
      expect(lines(documents)).toEqual([
        '2027-01-01 invoice L1 2027-01-01..2027-04-01 150000',
        '2027-04-01 invoice L1 2027-04-01..2027-07-01 195000',
        '2027-07-01 invoice L1 2027-07-01..2027-10-01 195000',
        '2027-10-01 invoice L1 2027-10-01..2028-01-01 195000',
      ]);
    });

    it('on the last day of a period: one day of the difference', () => {
      // Period [01-01, 04-01) has 90 days. +3 × 50 × 3 × 1/90 = 5.00; the regular invoice stays one line
      // (rules v1.1 §4: only segment boundaries split a line): 10 × 50 × 3 = 1500.00.
      const documents = scheduleDocuments(
        historyOf(quarterly, amendment('D2', '2027-03-31', [{ id: 'L1', quantity: 13 }])),
      );
      expect(lines(documents).slice(0, 3)).toEqual([
        '2027-01-01 invoice L1 2027-01-01..2027-04-01 150000',
        '2027-03-31 invoice L1 2027-03-31..2027-04-01 500',
        '2027-04-01 invoice L1 2027-04-01..2027-07-01 195000',
      ]);
    });

    it('on the first day after a boundary: the rest of the period', () => {
      // [04-02, 07-01) is 90 of 91 days: 3 × 50 × 3 × 90/91 = 445.054… → 445.05
      const documents = scheduleDocuments(
        historyOf(quarterly, amendment('D2', '2027-04-02', [{ id: 'L1', quantity: 13 }])),
      );
      expect(lines(documents).filter((line) => line.startsWith('2027-04-02'))).toEqual([
        '2027-04-02 invoice L1 2027-04-02..2027-07-01 44505',
      ]);
    });

    it('down to 0 removes the line with a credit note and bills it no more', () => {
      // [02-15, 04-01) is 45 of 90 days: 10 × 50 × 3 × 45/90 = 750.00
      const documents = scheduleDocuments(
        historyOf(quarterly, amendment('D2', '2027-02-15', [{ id: 'L1', quantity: 0 }])),
      );
      expect(lines(documents)).toEqual([
        '2027-01-01 invoice L1 2027-01-01..2027-04-01 150000',
        '2027-02-15 credit_note L1 2027-02-15..2027-04-01 75000',
      ]);
      expect(documents[1]).toMatchObject({ kind: 'credit_note', creditsDocumentKey: 'regular:2027-01-01' });
    });

    it('an increase and the equal decrease on the same day net to zero, in the order accepted', () => {
      const documents = scheduleDocuments(
        historyOf(
          quarterly,
          amendment('D2', '2027-02-15', [{ id: 'L1', quantity: 14 }]),
          amendment('D3', '2027-02-15', [{ id: 'L1', quantity: 10 }]),
        ),
      );
      // 4 × 50 × 3 × 45/90 = 300.00 each way
      expect(lines(documents.filter((doc) => doc.date.toString() === '2027-02-15'))).toEqual([
        '2027-02-15 invoice L1 2027-02-15..2027-04-01 30000',
        '2027-02-15 credit_note L1 2027-02-15..2027-04-01 30000',
      ]);
    });

    it('a one-time line added mid-period is billed in full on the amendment invoice', () => {
      const documents = scheduleDocuments(
        historyOf(
          quarterly,
          amendment('D2', '2027-05-10', [
            { id: 'L2', sku: 'TRAINING', quantity: 2, unitPrice: '750.00', catalog: oneTime },
          ]),
        ),
      );
      expect(lines(documents).filter((line) => line.startsWith('2027-05-10'))).toEqual([
        '2027-05-10 invoice L2 2027-05-10..2027-05-10 150000',
      ]);
    });

    it('on a ramped line applies from E across the later segments', () => {
      // Ramp 1 seat at 12000/yr then 15000/yr from 07-01; +1 seat from 05-01, quarterly.
      // Q2 [04-01, 07-01) 91 days: its regular invoice bills 1 × 12000 × 3/12 = 3000.00 in one line;
      // +1 × 12000 × 3/12 × 61/91 = 2010.989… → 2010.99.
      // Q3 bills 2 × 15000 × 3/12 = 7500.00.
      const documents = scheduleDocuments(
        historyOf(
          newDeal({ billingFrequency: 'quarterly' }, [
            {
              id: 'L1',
              sku: 'PLATFORM',
              catalog: perYear,
              segments: [
                { startDate: '2027-01-01', endDate: '2027-07-01', quantity: 1, unitPrice: '12000.00' },
                { startDate: '2027-07-01', endDate: '2028-01-01', quantity: 1, unitPrice: '15000.00' },
              ],
            },
          ]),
          amendment('D2', '2027-05-01', [{ id: 'L1', quantity: 2 }]),
        ),
      );
      expect(lines(documents).filter((line) => !line.startsWith('2027-01-01'))).toEqual([
        '2027-04-01 invoice L1 2027-04-01..2027-07-01 300000',
        '2027-05-01 invoice L1 2027-05-01..2027-07-01 201099',
        '2027-07-01 invoice L1 2027-07-01..2027-10-01 750000',
        '2027-10-01 invoice L1 2027-10-01..2028-01-01 750000',
      ]);
    });

    it('upfront: the rest of the term, cut into the price periods', () => {
      // Upfront 24 months at 36500/yr from 2027-01-01; +1 from 2027-07-02:
      // [07-02, 2028-01-01) is 183 of 365 days → 18300.00; 2028 is a whole year → 36500.00.
      const documents = scheduleDocuments(
        historyOf(
          newDeal({ termMonths: 24, billingFrequency: 'upfront' }, [
            { id: 'L1', sku: 'PLATFORM', quantity: 1, unitPrice: '36500.00', catalog: perYear },
          ]),
          amendment('D2', '2027-07-02', [{ id: 'L1', quantity: 2 }]),
        ),
      );
      expect(lines(documents).filter((line) => line.startsWith('2027-07-02'))).toEqual([
        '2027-07-02 invoice L1 2027-07-02..2028-01-01 1830000',
        '2027-07-02 invoice L1 2028-01-01..2029-01-01 3650000',
      ]);
    });
  });

  describe('cancellation', () => {
    it('immediately after an amendment credits the amended quantity for the rest of the period', () => {
      // 36500/yr, 100.00 a day in 2027. +1 from 03-01: 306 days → 30600.00.
      // Cancelled 03-11: 2 × 296 days → 59200.00 credited. Net 5900 + 30600 + 30600 − 59200 = 7900.00:
      // 59 days × 1 + 10 days × 2 = 79 days of 100.00.
      const cancellation: DealInput = {
        dealId: 'D3',
        kind: 'cancellation',
        currency: 'USD',
        cancellation: { effective: 'immediate', date: '2027-03-11' },
        lines: [],
      };
      const documents = scheduleDocuments(
        historyOf(
          newDeal({ autoRenew: true }, [
            { id: 'L1', sku: 'PLATFORM', quantity: 1, unitPrice: '36500.00', catalog: perYear },
          ]),
          amendment('D2', '2027-03-01', [{ id: 'L1', quantity: 2 }]),
          cancellation,
        ),
      );
      expect(lines(documents)).toEqual([
        '2027-01-01 invoice L1 2027-01-01..2028-01-01 3650000',
        '2027-03-01 invoice L1 2027-03-01..2028-01-01 3060000',
        '2027-03-11 credit_note L1 2027-03-11..2028-01-01 5920000',
      ]);
      expect(documents[2]!.lines[0]!.explanation.rule).toBe('cancellation_credit');
    });
  });

  describe('end-of-term cancellation', () => {
    it('still bills an amendment made after it, and renews no more', () => {
      const documents = scheduleDocuments(
        withAutomaticRenewals(
          historyOf(
            newDeal({ autoRenew: true }, [
              { id: 'L1', sku: 'PLATFORM', quantity: 1, unitPrice: '36500.00', catalog: perYear },
            ]),
            {
              dealId: 'C1',
              kind: 'cancellation',
              currency: 'USD',
              cancellation: { effective: 'end_of_term' },
              lines: [],
            },
            amendment('D3', '2027-12-02', [{ id: 'L1', quantity: 2 }]),
          ),
          date('2029-01-01'),
        ),
      );
      // [01-01, 12-02) is 335 days, [12-02, 2028-01-01) 30 days, of 100.00 each
      expect(lines(documents)).toEqual([
        '2027-01-01 invoice L1 2027-01-01..2028-01-01 3650000',
        '2027-12-02 invoice L1 2027-12-02..2028-01-01 300000',
      ]);
    });
  });

  describe('renewal', () => {
    it('renews the last segment of a ramp with the uplift, anchored on the new term', () => {
      // Last segment 15000/yr × 1.05 = 15750.00 a year, quarterly → 3937.50 a quarter.
      const history = historyOf(
        newDeal(
          { billingFrequency: 'quarterly', autoRenew: true, renewalUpliftPercent: '5', renewalTermMonths: 6 },
          [
            {
              id: 'L1',
              sku: 'PLATFORM',
              catalog: perYear,
              segments: [
                { startDate: '2027-01-01', endDate: '2027-07-01', quantity: 1, unitPrice: '12000.00' },
                { startDate: '2027-07-01', endDate: '2028-01-01', quantity: 1, unitPrice: '15000.00' },
              ],
            },
          ],
        ),
      );
      const renewed = scheduleDocuments(withAutomaticRenewals(history, date('2028-01-01'))).slice(4);
      expect(lines(renewed)).toEqual([
        '2028-01-01 invoice L1 2028-01-01..2028-04-01 393750',
        '2028-04-01 invoice L1 2028-04-01..2028-07-01 393750',
      ]);
    });

    it('a renewal deal replaces the automatic renewal', () => {
      const history = historyOf(
        newDeal({ autoRenew: true, renewalUpliftPercent: '10' }, [
          { id: 'L1', sku: 'SEAT-PRO', quantity: 10, unitPrice: '100.00', catalog: perYear },
        ]),
        {
          dealId: 'R1',
          kind: 'renewal',
          currency: 'USD',
          terms: {
            startDate: '2028-01-01',
            termMonths: 12,
            billingFrequency: 'annual',
            paymentTermsDays: 45,
            autoRenew: false,
          },
          lines: [{ id: 'L9', sku: 'SEAT-PRO', quantity: 12, unitPrice: '95.00', catalog: perYear }],
        },
      );
      const documents = scheduleDocuments(withAutomaticRenewals(history, date('2030-01-01')));
      expect(lines(documents)).toEqual([
        '2027-01-01 invoice L1 2027-01-01..2028-01-01 100000',
        '2028-01-01 invoice L9 2028-01-01..2029-01-01 114000',
      ]);
      expect(documents[1]!.dueDate.toString()).toBe('2028-02-15');
    });
  });

  describe('changes that cannot apply', () => {
    const base = newDeal({}, [
      { id: 'L1', sku: 'SEAT-PRO', quantity: 10, unitPrice: '100.00', catalog: perYear },
    ]);

    it.each<[string, DealInput[], string]>([
      [
        'an amendment before the term',
        [amendment('D2', '2026-12-31', [{ id: 'L1', quantity: 1 }])],
        'outside the current term',
      ],
      [
        'an amendment on the term end',
        [amendment('D2', '2028-01-01', [{ id: 'L1', quantity: 1 }])],
        'outside the current term',
      ],
      [
        'amendments out of effective-date order',
        [
          amendment('D2', '2027-06-01', [{ id: 'L1', quantity: 11 }]),
          amendment('D3', '2027-05-01', [{ id: 'L1', quantity: 12 }]),
        ],
        'effective-date order',
      ],
      ['a new line without sku', [amendment('D2', '2027-05-01', [{ id: 'L7', quantity: 1 }])], 'no sku'],
      [
        'another currency',
        [{ ...amendment('D2', '2027-05-01', [{ id: 'L1', quantity: 1 }]), currency: 'EUR' }],
        'differs',
      ],
    ])('refuses %s', (_, changes, message) => {
      expect(() => historyOf(base, ...changes)).toThrow(
        expect.objectContaining({ code: BillingErrorCode.InvalidChange }) as BillingError,
      );
      expect(() => historyOf(base, ...changes)).toThrow(message);
    });

    it.each([
      ['a gap', '2027-07-02', 'leaves a gap'],
      ['an overlap', '2027-06-30', 'overlaps'],
    ])('refuses ramp segments with %s', (_, secondStart, message) => {
      const ramp = newDeal({}, [
        {
          id: 'L1',
          sku: 'PLATFORM',
          catalog: perYear,
          segments: [
            { startDate: '2027-01-01', endDate: '2027-07-01', quantity: 1, unitPrice: '1.00' },
            { startDate: secondStart, endDate: '2028-01-01', quantity: 1, unitPrice: '2.00' },
          ],
        },
      ]);
      expect(() => historyOf(ramp)).toThrow(message);
    });

    it('refuses a price with more decimals than the currency', () => {
      const jpy = newDeal(
        {},
        [{ id: 'L1', sku: 'SEAT-PRO', quantity: 1, unitPrice: '100.5', catalog: perYear }],
        'JPY',
      );
      expect(() => historyOf(jpy)).toThrow('JPY');
    });
  });
});
