import { withAutomaticRenewals } from '../renewals/renewals';
import {
  amendment,
  date,
  historyOf,
  lines,
  newDeal,
  perMonth,
  perYear,
  total,
} from '../../test/schedule-fixtures';
import { scheduleDocuments } from './document-schedule';

// Every expected amount below was computed by hand from billing-rules.md; the working is in the comments.

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
  });
});
