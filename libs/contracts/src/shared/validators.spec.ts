import { isCalendarDate, isDecimalString, isRfc3339Timestamp } from './validators';

describe('wire formats', () => {
  it.each([
    ['2026-02-01', true],
    ['2028-02-29', true],
    ['2026-02-29', false],
    ['2100-02-29', false],
    ['2026-04-31', false],
    ['2026-13-01', false],
    ['2026-2-01', false],
    ['2026-02-01T00:00:00Z', false],
    [20260201, false],
  ])('isCalendarDate(%p) is %p', (value, expected) => {
    expect(isCalendarDate(value)).toBe(expected);
  });

  it.each([
    ['2026-01-20T16:03:00Z', true],
    ['2026-01-20T16:03:00.123456+05:30', true],
    ['2026-01-20t16:03:00z', true],
    ['2026-01-20T16:03:00', false],
    ['2026-01-20 16:03:00Z', false],
    ['2026-02-30T16:03:00Z', false],
    ['2026-01-20T24:00:00Z', false],
    ['2026-01-20T16:03:60Z', false],
    ['2026-01-20T16:03:00+24:00', false],
  ])('isRfc3339Timestamp(%p) is %p', (value, expected) => {
    expect(isRfc3339Timestamp(value)).toBe(expected);
  });

  it.each<[unknown, number | undefined, boolean]>([
    ['360.00', undefined, true],
    ['1000', undefined, true],
    ['0', undefined, true],
    ['0.5', undefined, true],
    ['.5', undefined, false],
    ['5.', undefined, false],
    ['-1', undefined, false],
    ['01', undefined, false],
    ['1e3', undefined, false],
    [360, undefined, false],
    ['100', 100, true],
    ['100.000', 100, true],
    ['100.001', 100, false],
    ['99.999', 100, true],
    ['101', 100, false],
  ])('isDecimalString(%p, max %p) is %p', (value, max, expected) => {
    expect(isDecimalString(value, max)).toBe(expected);
  });
});
