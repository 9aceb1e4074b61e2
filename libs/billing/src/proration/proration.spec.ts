import { historyOf, lines, newDeal, perYear } from '../../test/schedule-fixtures';
import { scheduleDocuments } from '../schedule/document-schedule';

// Every expected amount below was computed by hand from billing-rules.md; the working is in the comments.

describe(scheduleDocuments.name, () => {
  describe('dates', () => {
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

  describe('changes that cannot apply', () => {
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
