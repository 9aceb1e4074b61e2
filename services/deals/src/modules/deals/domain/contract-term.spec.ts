import { CalendarDate } from '@o2c/billing';
import { type ContractTerm, termOn } from './contract-term';

const d = (value: string) => CalendarDate.parse(value);
const term = (
  startDate: string,
  termMonths: number,
  autoRenew: boolean,
  renewalTermMonths?: number,
): ContractTerm => ({
  startDate: d(startDate),
  termMonths,
  autoRenew,
  ...(renewalTermMonths !== undefined ? { renewalTermMonths } : {}),
});
const period = (start: string, end: string) => ({ start: d(start), end: d(end) });

describe(termOn.name, () => {
  const sut = termOn;

  it('finds the term holding a date, its end excluded', () => {
    const terms = [term('2026-02-01', 36, false)];
    expect(sut(terms, d('2026-02-01'))).toEqual(period('2026-02-01', '2029-02-01'));
    expect(sut(terms, d('2029-01-31'))).toEqual(period('2026-02-01', '2029-02-01'));
    expect(sut(terms, d('2029-02-01'))).toBeUndefined();
    expect(sut(terms, d('2026-01-31'))).toBeUndefined();
  });

  it('walks the automatic renewals, of the renewal length, after the last term', () => {
    const terms = [term('2026-02-01', 36, true, 12)];
    expect(sut(terms, d('2029-02-01'))).toEqual(period('2029-02-01', '2030-02-01'));
    expect(sut(terms, d('2031-06-30'))).toEqual(period('2031-02-01', '2032-02-01'));
  });

  it('anchors each automatic renewal on its own start (billing-rules.md §7)', () => {
    // 2026-01-31 + 1 month is 2026-02-28; the next renewal counts from there: 2026-03-28, not 2026-03-31.
    const terms = [term('2026-01-31', 1, true)];
    expect(sut(terms, d('2026-03-30'))).toEqual(period('2026-03-28', '2026-04-28'));
  });

  it('takes a renewal deal instead of the automatic renewal it replaces, and nothing in a gap', () => {
    const renewed = [term('2026-02-01', 12, true, 12), term('2027-02-01', 24, false)];
    expect(sut(renewed, d('2028-06-01'))).toEqual(period('2027-02-01', '2029-02-01'));
    expect(sut(renewed, d('2029-02-01'))).toBeUndefined();
    const gap = [term('2026-02-01', 12, false), term('2027-03-01', 12, false)];
    expect(sut(gap, d('2027-02-15'))).toBeUndefined();
    expect(sut(gap, d('2027-03-01'))).toEqual(period('2027-03-01', '2028-03-01'));
  });
});
