import fc from 'fast-check';
import { BillingError, BillingErrorCode } from '../billing.errors';
import { addDays, addMonths, CalendarDate, daysBetween } from './calendar-date';

const date = (value: string) => CalendarDate.parse(value);

/** Arbitrary real dates 1900–2199, built from given instants (never the clock). */
const calendarDates = fc
  .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2199-12-31T00:00:00Z'), noInvalidDate: true })
  .map((instant) => CalendarDate.parse(instant.toISOString().slice(0, 10)));

describe(CalendarDate.name, () => {
  it.each(['2026-02-01', '2028-02-29', '2000-02-29', '0001-01-01', '9999-12-31'])('parses %s', (value) => {
    const sut = CalendarDate.parse(value);

    expect(sut.toString()).toBe(value);
    expect(JSON.stringify({ sut })).toBe(`{"sut":"${value}"}`);
  });

  it.each([
    '2026-02-29',
    '1900-02-29',
    '2026-04-31',
    '2026-13-01',
    '2026-00-10',
    '2026-01-00',
    '0000-01-01',
    '2026-1-01',
    '26-01-01',
    '2026-01-01T00:00:00Z',
    ' 2026-01-01',
    '',
  ])('refuses "%s"', (value) => {
    expect(() => CalendarDate.parse(value)).toThrow(
      expect.objectContaining({ code: BillingErrorCode.InvalidDate }) as BillingError,
    );
  });

  it('compares dates', () => {
    const sut = date('2026-06-15');

    expect(sut.compare(date('2026-06-16'))).toBe(-1);
    expect(sut.compare(date('2026-06-15'))).toBe(0);
    expect(sut.compare(date('2025-12-31'))).toBe(1);
    expect(sut.equals(date('2026-06-15'))).toBe(true);
    expect(sut.isBefore(date('2027-01-01'))).toBe(true);
    expect(sut.isAfter(date('2027-01-01'))).toBe(false);
  });

  it('counts days since 1970-01-01', () => {
    expect(date('1970-01-01').epochDay).toBe(0);
    expect(date('2000-03-01').epochDay).toBe(11017);
    expect(date('1969-12-31').epochDay).toBe(-1);
  });
});

describe(daysBetween.name, () => {
  it.each([
    ['2026-02-01', '2027-02-01', 365],
    ['2026-06-15', '2027-02-01', 231],
    ['2026-02-01', '2026-03-01', 28],
    ['2028-02-01', '2028-03-01', 29],
    ['2024-01-01', '2025-01-01', 366],
    // Across the DST changes of Europe and the US: still whole calendar days.
    ['2026-03-28', '2026-03-30', 2],
    ['2026-10-24', '2026-11-02', 9],
    ['2026-03-01', '2026-03-01', 0],
    ['2027-02-01', '2026-06-15', -231],
  ])('from %s to %s is %i days', (a, b, expected) => {
    expect(daysBetween(date(a), date(b))).toBe(expected);
  });
});

describe(addMonths.name, () => {
  it.each([
    // billing rules §1
    ['2026-01-31', 1, '2026-02-28'],
    ['2026-01-31', 2, '2026-03-31'],
    ['2026-01-31', 13, '2027-02-28'],
    ['2027-11-30', 3, '2028-02-29'],
    // starts on the 29th, 30th and 31st; leap and ordinary Februaries
    ['2026-01-29', 1, '2026-02-28'],
    ['2028-01-29', 1, '2028-02-29'],
    ['2026-01-29', 2, '2026-03-29'],
    ['2026-01-30', 1, '2026-02-28'],
    ['2026-01-30', 2, '2026-03-30'],
    ['2026-03-31', 1, '2026-04-30'],
    ['2026-08-31', 1, '2026-09-30'],
    ['2026-05-31', 7, '2026-12-31'],
    ['2024-02-29', 12, '2025-02-28'],
    ['2024-02-29', 48, '2028-02-29'],
    ['2100-01-31', 1, '2100-02-28'],
    ['2000-01-31', 1, '2000-02-29'],
    ['2026-12-15', 1, '2027-01-15'],
    ['2026-05-31', 0, '2026-05-31'],
    ['2026-03-31', -1, '2026-02-28'],
    ['2026-01-15', -1, '2025-12-15'],
  ])('%s + %i months is %s', (anchor, k, expected) => {
    expect(addMonths(date(anchor), k).toString()).toBe(expected);
  });

  it('refuses a fractional number of months', () => {
    expect(() => addMonths(date('2026-01-31'), 1.5)).toThrow(BillingError);
  });

  it('lands in the right month on the anchor day, clamped to the month length', () => {
    fc.assert(
      fc.property(calendarDates, fc.integer({ min: 0, max: 1200 }), (anchor, k) => {
        const sut = addMonths(anchor, k);

        expect(sut.year * 12 + sut.month).toBe(anchor.year * 12 + anchor.month + k);
        // Oracle independent of the code under test: day 0 of the next month is the month's last day.
        const monthLength = new Date(Date.UTC(sut.year, sut.month, 0)).getUTCDate();
        expect(sut.day).toBe(Math.min(anchor.day, monthLength));
      }),
    );
  });
});

describe(addDays.name, () => {
  it.each([
    ['2026-02-01', 30, '2026-03-03'],
    ['2028-02-28', 1, '2028-02-29'],
    ['2027-02-28', 1, '2027-03-01'],
    ['2026-12-31', 1, '2027-01-01'],
    ['2027-01-01', -1, '2026-12-31'],
    ['2000-02-28', 366, '2001-02-28'],
    ['1969-12-31', 0, '1969-12-31'],
  ])('%s + %i days is %s', (from, days, expected) => {
    expect(addDays(CalendarDate.parse(from), days).toString()).toBe(expected);
  });

  it('is the inverse of daysBetween for every day of four years', () => {
    const start = CalendarDate.parse('2027-01-01');
    for (let days = 0; days <= 1461; days += 1) {
      expect(daysBetween(start, addDays(start, days))).toBe(days);
    }
    expect(addDays(start, 1461).toString()).toBe('2031-01-01');
  });
});

describe(CalendarDate.ofInstant.name, () => {
  it.each([
    ['2026-11-24T23:59:59.999Z', '2026-11-24'],
    ['2026-11-25T00:00:00.000Z', '2026-11-25'],
    ['2028-02-29T12:00:00+05:00', '2028-02-29'],
    ['2028-03-01T01:00:00+05:00', '2028-02-29'],
  ])('takes %s as %s, in UTC', (instant, expected) => {
    expect(CalendarDate.ofInstant(new Date(instant)).toString()).toBe(expected);
  });
});
