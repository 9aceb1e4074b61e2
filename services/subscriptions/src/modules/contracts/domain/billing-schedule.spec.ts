import { contractHistory, renewAutomatically, type ScheduledDocument } from '@o2c/billing';
import { newDealClosed } from '@o2c/testing';
import { billingScheduleOf } from './billing-schedule';

// 10 SEAT-PRO at 100.00 USD a year, 12 months from 2026-01-01, billed annually: 10 × 100.00 = 1,000.00 USD a
// year, 100000 minor units per annual invoice.
const deal = (autoRenew: boolean) =>
  newDealClosed({
    dealId: '006-1',
    contractId: 'c-1',
    closedAt: '2025-12-20T16:03:00Z',
    account: { id: '001-1', name: 'Acme Inc', country: 'US' },
    terms: { autoRenew },
  });

const lines = (documents: readonly ScheduledDocument[]) =>
  documents.flatMap((document) =>
    document.lines.map(
      (line) =>
        `${document.date.toString()} ${document.kind} ${line.servicePeriod.start.toString()}..${line.servicePeriod.end.toString()} ${line.amountMinor}`,
    ),
  );

describe(billingScheduleOf.name, () => {
  it('bills the current term and, when the contract renews, its first renewal', () => {
    const sut = billingScheduleOf(contractHistory([deal(true)]));
    expect(sut.currency).toBe('USD');
    expect([sut.term.start.toString(), sut.term.end.toString()]).toEqual(['2026-01-01', '2027-01-01']);
    expect(lines(sut.documents)).toEqual([
      '2026-01-01 invoice 2026-01-01..2027-01-01 100000',
      '2027-01-01 invoice 2027-01-01..2028-01-01 100000',
    ]);
  });

  it('bills the current term only when the contract does not renew', () => {
    const sut = billingScheduleOf(contractHistory([deal(false)]));
    expect(lines(sut.documents)).toEqual(['2026-01-01 invoice 2026-01-01..2027-01-01 100000']);
  });

  it('leaves out the documents of earlier terms', () => {
    const [first] = contractHistory([deal(true)]);
    const sut = billingScheduleOf([first!, renewAutomatically(first!)]);
    expect([sut.term.start.toString(), sut.term.end.toString()]).toEqual(['2027-01-01', '2028-01-01']);
    expect(lines(sut.documents)).toEqual([
      '2027-01-01 invoice 2027-01-01..2028-01-01 100000',
      '2028-01-01 invoice 2028-01-01..2029-01-01 100000',
    ]);
  });

  it('refuses a history without a version', () => {
    expect(() => billingScheduleOf([])).toThrow('a contract has at least one version');
  });
});
