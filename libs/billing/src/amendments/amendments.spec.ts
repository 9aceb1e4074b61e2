import { type BillingError, BillingErrorCode } from '../billing.errors';
import type { DealInput } from '../contract/deal-input';
import {
  amendment,
  historyOf,
  lines,
  newDeal,
  oneTime,
  perMonth,
  perYear,
} from '../../test/schedule-fixtures';
import { scheduleDocuments } from '../schedule/document-schedule';

// Every expected amount below was computed by hand from billing-rules.md; the working is in the comments.

describe(scheduleDocuments.name, () => {
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
  });
});
