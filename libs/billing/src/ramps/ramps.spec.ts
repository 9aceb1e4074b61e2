import { historyOf, newDeal, perYear } from '../../test/schedule-fixtures';
import { scheduleDocuments } from '../schedule/document-schedule';

// Every expected amount below was computed by hand from billing-rules.md; the working is in the comments.

describe(scheduleDocuments.name, () => {
  describe('changes that cannot apply', () => {
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
  });
});
