import { type BillingError, BillingErrorCode } from '../billing.errors';
import { CalendarDate } from './calendar-date';
import { termOf } from './period';

const date = (value: string) => CalendarDate.parse(value);

const invalidTerm = expect.objectContaining({ code: BillingErrorCode.InvalidTerm }) as BillingError;

describe(termOf.name, () => {
  it('is [start, start + term months)', () => {
    const sut = termOf(date('2026-01-31'), 13);

    expect([sut.start.toString(), sut.end.toString()]).toEqual(['2026-01-31', '2027-02-28']);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses a term of %s months', (termMonths) => {
    expect(() => termOf(date('2026-01-31'), termMonths)).toThrow(invalidTerm);
  });
});
