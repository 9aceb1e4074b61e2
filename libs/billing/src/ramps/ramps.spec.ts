import { historyOf, lines, newDeal, perYear } from '../../test/schedule-fixtures';
import { scheduleDocuments } from '../schedule/document-schedule';

// Every expected amount below was computed by hand from billing-rules.md; the working is in the comments.

describe(scheduleDocuments.name, () => {
  describe('ramps', () => {
    it('bills a period a segment boundary splits as one line per piece, prorated by days (§4)', () => {
      // 12000.00/yr to 05-01, then 15000.00/yr; quarterly. Q2 [04-01, 07-01) has 91 days:
      // [04-01, 05-01) 30 days: 12000 × 3/12 × 30/91 = 989.0109… → 989.01;
      // [05-01, 07-01) 61 days: 15000 × 3/12 × 61/91 = 2513.7362… → 2513.74.
      const documents = scheduleDocuments(
        historyOf(
          newDeal({ billingFrequency: 'quarterly' }, [
            {
              id: 'L1',
              sku: 'PLATFORM',
              catalog: perYear,
              segments: [
                { startDate: '2027-01-01', endDate: '2027-05-01', quantity: 1, unitPrice: '12000.00' },
                { startDate: '2027-05-01', endDate: '2028-01-01', quantity: 1, unitPrice: '15000.00' },
              ],
            },
          ]),
        ),
      );
      expect(lines(documents)).toEqual([
        '2027-01-01 invoice L1 2027-01-01..2027-04-01 300000',
        '2027-04-01 invoice L1 2027-04-01..2027-05-01 98901',
        '2027-04-01 invoice L1 2027-05-01..2027-07-01 251374',
        '2027-07-01 invoice L1 2027-07-01..2027-10-01 375000',
        '2027-10-01 invoice L1 2027-10-01..2028-01-01 375000',
      ]);
      expect(documents[1]!.lines.map((line) => line.explanation.formula)).toEqual([
        '1 × 12000.00 × 3/12 months × 30/91 days = 989.010989… → 989.01',
        '1 × 15000.00 × 3/12 months × 61/91 days = 2513.736263… → 2513.74',
      ]);
    });
  });

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
