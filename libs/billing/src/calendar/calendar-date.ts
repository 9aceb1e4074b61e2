import { BillingError, BillingErrorCode } from '../billing.errors';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Number of days of `month` (1–12) in `year`. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

// Days since 1970-01-01 by integer arithmetic (H. Hinnant's days_from_civil): no Date object, so no
// time zone, DST or two-digit-year surprises of Date.UTC.
function epochDayOf(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

// The inverse, H. Hinnant's civil_from_days.
function civilOf(epochDay: number): [number, number, number] {
  const z = epochDay + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

/** A calendar date in UTC (`YYYY-MM-DD`, years 0001–9999), real dates only; immutable. */
export class CalendarDate {
  private constructor(
    readonly year: number,
    readonly month: number,
    readonly day: number,
  ) {}

  /** Parses `YYYY-MM-DD`; throws `BILLING.INVALID_DATE` for anything else or a date that does not exist. */
  static parse(value: string): CalendarDate {
    const match = ISO_DATE.exec(value);
    if (!match) {
      throw new BillingError(BillingErrorCode.InvalidDate, `"${value}" is not a date in the form YYYY-MM-DD`);
    }
    return CalendarDate.of(Number(match[1]), Number(match[2]), Number(match[3]));
  }

  /** The UTC calendar date of an instant: what "today" is for a clock reading. */
  static ofInstant(instant: Date): CalendarDate {
    return CalendarDate.of(instant.getUTCFullYear(), instant.getUTCMonth() + 1, instant.getUTCDate());
  }

  /** The date `year-month-day` (month 1–12); throws `BILLING.INVALID_DATE` if it does not exist. */
  static of(year: number, month: number, day: number): CalendarDate {
    const valid =
      Number.isInteger(year) &&
      Number.isInteger(month) &&
      Number.isInteger(day) &&
      year >= 1 &&
      year <= 9999 &&
      month >= 1 &&
      month <= 12 &&
      day >= 1 &&
      day <= daysInMonth(year, month);
    if (!valid) {
      throw new BillingError(BillingErrorCode.InvalidDate, `${year}-${month}-${day} is not a calendar date`);
    }
    return new CalendarDate(year, month, day);
  }

  /** Days since 1970-01-01 (negative before). */
  get epochDay(): number {
    return epochDayOf(this.year, this.month, this.day);
  }

  /** -1, 0 or 1 as this date is before, equal to or after `other`. */
  compare(other: CalendarDate): -1 | 0 | 1 {
    const difference = this.epochDay - other.epochDay;
    return difference < 0 ? -1 : difference > 0 ? 1 : 0;
  }

  equals(other: CalendarDate): boolean {
    return this.compare(other) === 0;
  }

  isBefore(other: CalendarDate): boolean {
    return this.compare(other) < 0;
  }

  isAfter(other: CalendarDate): boolean {
    return this.compare(other) > 0;
  }

  /** `YYYY-MM-DD`. */
  toString(): string {
    const pad = (value: number, length: number) => String(value).padStart(length, '0');
    return `${pad(this.year, 4)}-${pad(this.month, 2)}-${pad(this.day, 2)}`;
  }

  toJSON(): string {
    return this.toString();
  }
}

/** Calendar days from `a` to `b` (`b − a`, billing rules §1); negative when `b` is before `a`. */
export function daysBetween(a: CalendarDate, b: CalendarDate): number {
  return b.epochDay - a.epochDay;
}

/** `date` plus `days` calendar days (negative goes back): due dates are invoice date + payment terms. */
export function addDays(date: CalendarDate, days: number): CalendarDate {
  if (!Number.isSafeInteger(days)) {
    throw new BillingError(BillingErrorCode.InvalidPeriod, `Cannot add ${days} days: not an integer`);
  }
  const [year, month, day] = civilOf(date.epochDay + days);
  return CalendarDate.of(year, month, day);
}

/**
 * `anchor` plus `k` months (billing rules §1): the anchor's day of month, clamped to the target
 * month's last day, always computed from the anchor: 2026-01-31 +1 → 2026-02-28, +2 → 2026-03-31.
 */
export function addMonths(anchor: CalendarDate, k: number): CalendarDate {
  if (!Number.isSafeInteger(k)) {
    throw new BillingError(BillingErrorCode.InvalidTerm, `Cannot add ${k} months: not an integer`);
  }
  const monthIndex = anchor.year * 12 + (anchor.month - 1) + k;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12 + 1;
  return CalendarDate.of(year, month, Math.min(anchor.day, daysInMonth(year, month)));
}
