import { withAutomaticRenewals } from './renewals';
import { date, historyOf, lines, newDeal, perYear } from '../../test/schedule-fixtures';
import { scheduleDocuments } from '../schedule/document-schedule';

// Every expected amount below was computed by hand from billing-rules.md; the working is in the comments.

describe(scheduleDocuments.name, () => {
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
});
