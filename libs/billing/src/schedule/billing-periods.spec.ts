import fc from 'fast-check';
import {
  billingPeriods,
  type BillingFrequency,
  pricePeriodsOf,
  type ScheduledPeriod,
} from './billing-periods';
import { type BillingError, BillingErrorCode } from '../billing.errors';
import { addMonths, CalendarDate, daysBetween } from '../calendar/calendar-date';

const date = (value: string) => CalendarDate.parse(value);

const calendarDates = fc
  .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2199-12-31T00:00:00Z'), noInvalidDate: true })
  .map((instant) => CalendarDate.parse(instant.toISOString().slice(0, 10)));

/** `[start, end) days / [nominal) nominalDays #index`, to compare whole schedules at a glance. */
const describePeriods = (periods: ScheduledPeriod[]) =>
  periods.map(
    (each) =>
      `[${each.start.toString()}, ${each.end.toString()}) ${each.days} / ` +
      `[${each.nominal.start.toString()}, ${each.nominal.end.toString()}) ${each.nominalDays} #${each.index}`,
  );

const invalidTerm = expect.objectContaining({ code: BillingErrorCode.InvalidTerm }) as BillingError;
const invalidPeriod = expect.objectContaining({ code: BillingErrorCode.InvalidPeriod }) as BillingError;

describe(billingPeriods.name, () => {
  const sut = billingPeriods;

  it('bills the worked example of §10 (annual, 12 months) as one period of 365 days', () => {
    expect(describePeriods(sut(date('2026-02-01'), 12, 'annual'))).toEqual([
      '[2026-02-01, 2027-02-01) 365 / [2026-02-01, 2027-02-01) 365 #0',
    ]);
  });

  it('cuts a quarterly term of 7 months from the 31st, keeping the nominal last quarter', () => {
    expect(describePeriods(sut(date('2026-01-31'), 7, 'quarterly'))).toEqual([
      '[2026-01-31, 2026-04-30) 89 / [2026-01-31, 2026-04-30) 89 #0',
      '[2026-04-30, 2026-07-31) 92 / [2026-04-30, 2026-07-31) 92 #1',
      '[2026-07-31, 2026-08-31) 31 / [2026-07-31, 2026-10-31) 92 #2',
    ]);
  });

  it('cuts a semiannual term of 10 months from the 31st', () => {
    expect(describePeriods(sut(date('2026-03-31'), 10, 'semiannual'))).toEqual([
      '[2026-03-31, 2026-09-30) 183 / [2026-03-31, 2026-09-30) 183 #0',
      '[2026-09-30, 2027-01-31) 123 / [2026-09-30, 2027-03-31) 182 #1',
    ]);
  });

  it('anchors monthly periods on the 31st, never stepping from a clamped date', () => {
    expect(describePeriods(sut(date('2026-01-31'), 3, 'monthly'))).toEqual([
      '[2026-01-31, 2026-02-28) 28 / [2026-01-31, 2026-02-28) 28 #0',
      '[2026-02-28, 2026-03-31) 31 / [2026-02-28, 2026-03-31) 31 #1',
      '[2026-03-31, 2026-04-30) 30 / [2026-03-31, 2026-04-30) 30 #2',
    ]);
  });

  it('anchors monthly periods on the 30th across a leap February', () => {
    expect(describePeriods(sut(date('2027-11-30'), 4, 'monthly'))).toEqual([
      '[2027-11-30, 2027-12-30) 30 / [2027-11-30, 2027-12-30) 30 #0',
      '[2027-12-30, 2028-01-30) 31 / [2027-12-30, 2028-01-30) 31 #1',
      '[2028-01-30, 2028-02-29) 30 / [2028-01-30, 2028-02-29) 30 #2',
      '[2028-02-29, 2028-03-30) 30 / [2028-02-29, 2028-03-30) 30 #3',
    ]);
  });

  it('anchors annual periods on 29 February', () => {
    expect(describePeriods(sut(date('2028-02-29'), 24, 'annual'))).toEqual([
      '[2028-02-29, 2029-02-28) 365 / [2028-02-29, 2029-02-28) 365 #0',
      '[2029-02-28, 2030-02-28) 365 / [2029-02-28, 2030-02-28) 365 #1',
    ]);
  });

  it('refuses an invalid term', () => {
    expect(() => sut(date('2026-01-31'), 0, 'monthly')).toThrow(invalidTerm);
  });

  it('covers the term exactly, without gap or overlap', () => {
    const frequencies: BillingFrequency[] = ['monthly', 'quarterly', 'semiannual', 'annual'];
    fc.assert(
      fc.property(
        calendarDates,
        fc.integer({ min: 1, max: 60 }),
        fc.constantFrom(...frequencies),
        (start, termMonths, frequency) => {
          const periods = sut(start, termMonths, frequency);
          const termEnd = addMonths(start, termMonths);

          expect(periods[0]?.start.equals(start)).toBe(true);
          expect(periods.at(-1)?.end.equals(termEnd)).toBe(true);
          periods.forEach((each, k) => {
            expect(each.index).toBe(k);
            expect(each.days).toBeGreaterThan(0);
            expect(each.nominal.start.equals(each.start)).toBe(true);
            expect(each.end.isAfter(each.nominal.end)).toBe(false);
            expect(each.days).toBeLessThanOrEqual(each.nominalDays);
            const next = periods[k + 1];
            if (next) expect(next.start.equals(each.end)).toBe(true);
          });
          expect(periods.reduce((sum, each) => sum + each.days, 0)).toBe(daysBetween(start, termEnd));
        },
      ),
    );
  });
});

describe(pricePeriodsOf.name, () => {
  const sut = pricePeriodsOf;

  it('cuts an upfront term of 18 months into years anchored on its start', () => {
    expect(describePeriods(sut(date('2026-02-01'), date('2027-08-01'), 'year', date('2026-02-01')))).toEqual([
      '[2026-02-01, 2027-02-01) 365 / [2026-02-01, 2027-02-01) 365 #0',
      '[2027-02-01, 2027-08-01) 181 / [2027-02-01, 2028-02-01) 365 #1',
    ]);
  });

  it('cuts the rest of a term from a change (§10: 231 of 365 days)', () => {
    expect(describePeriods(sut(date('2026-06-15'), date('2027-02-01'), 'year', date('2026-02-01')))).toEqual([
      '[2026-06-15, 2027-02-01) 231 / [2026-02-01, 2027-02-01) 365 #0',
    ]);
  });

  it('cuts the rest of a term into months anchored on the 31st', () => {
    expect(describePeriods(sut(date('2026-03-15'), date('2026-05-31'), 'month', date('2026-01-31')))).toEqual(
      [
        '[2026-03-15, 2026-03-31) 16 / [2026-02-28, 2026-03-31) 31 #1',
        '[2026-03-31, 2026-04-30) 30 / [2026-03-31, 2026-04-30) 30 #2',
        '[2026-04-30, 2026-05-31) 31 / [2026-04-30, 2026-05-31) 31 #3',
      ],
    );
  });

  it('starts a piece on a boundary in the nominal period that begins there', () => {
    expect(describePeriods(sut(date('2026-02-28'), date('2026-03-31'), 'month', date('2026-01-31')))).toEqual(
      ['[2026-02-28, 2026-03-31) 31 / [2026-02-28, 2026-03-31) 31 #1'],
    );
  });

  it('refuses an empty period or an anchor after the start', () => {
    expect(() => sut(date('2026-03-01'), date('2026-03-01'), 'month', date('2026-01-01'))).toThrow(
      invalidPeriod,
    );
    expect(() => sut(date('2026-03-01'), date('2026-04-01'), 'month', date('2026-03-02'))).toThrow(
      invalidPeriod,
    );
  });

  it('covers [start, end) exactly with pieces inside their nominal periods', () => {
    fc.assert(
      fc.property(
        calendarDates,
        fc.integer({ min: 0, max: 4000 }),
        fc.integer({ min: 1, max: 2000 }),
        fc.constantFrom<'month' | 'year'>('month', 'year'),
        (anchor, offset, length, pricePeriod) => {
          const start = CalendarDate.parse(
            new Date((anchor.epochDay + offset) * 86_400_000).toISOString().slice(0, 10),
          );
          const end = CalendarDate.parse(
            new Date((anchor.epochDay + offset + length) * 86_400_000).toISOString().slice(0, 10),
          );
          const pieces = sut(start, end, pricePeriod, anchor);

          expect(pieces[0]?.start.equals(start)).toBe(true);
          expect(pieces.at(-1)?.end.equals(end)).toBe(true);
          expect(pieces.reduce((sum, each) => sum + each.days, 0)).toBe(length);
          pieces.forEach((each, k) => {
            expect(each.days).toBeGreaterThan(0);
            expect(each.start.isBefore(each.nominal.start)).toBe(false);
            expect(each.end.isAfter(each.nominal.end)).toBe(false);
            expect(
              addMonths(anchor, each.index * (pricePeriod === 'month' ? 1 : 12)).equals(each.nominal.start),
            ).toBe(true);
            const next = pieces[k + 1];
            if (next) expect(next.start.equals(each.end)).toBe(true);
          });
        },
      ),
    );
  });
});
