import type { DealInput } from '../contract/deal-input';
import { withAutomaticRenewals } from '../renewals/renewals';
import { amendment, date, historyOf, lines, newDeal, perYear } from '../../test/schedule-fixtures';
import { scheduleDocuments } from '../schedule/document-schedule';

// Every expected amount below was computed by hand from billing-rules.md; the working is in the comments.

describe(scheduleDocuments.name, () => {
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
});
