import { BillingError, BillingErrorCode } from '../billing.errors';
import { addMonths, type CalendarDate, daysBetween } from '../calendar/calendar-date';
import { type Period, termOf } from '../calendar/period';

/**
 * A piece of a schedule: `[start, end)` inside its `nominal` period, the full one from the schedule
 * even when the term cuts it short (billing rules §3). A partial piece is charged
 * `fullPeriodAmount × days / nominalDays`.
 */
export interface ScheduledPeriod extends Period {
  /** Position in the schedule counted from the anchor, 0 for the period starting on the anchor. */
  index: number;
  nominal: Period;
  /** Calendar days of `[start, end)`. */
  days: number;
  /** Calendar days of the nominal period. */
  nominalDays: number;
}

/** Billing frequencies with a schedule of their own; `upfront` is handled by `pricePeriodsOf`. */
export type BillingFrequency = 'monthly' | 'quarterly' | 'semiannual' | 'annual';

/** The period a unit price is quoted for (`pricePeriod`, billing rules §3). */
export type PricePeriod = 'month' | 'year';

/** Months in one billing period of `frequency` (billing rules §2). */
export function monthsOf(frequency: BillingFrequency): number {
  switch (frequency) {
    case 'monthly':
      return 1;
    case 'quarterly':
      return 3;
    case 'semiannual':
      return 6;
    case 'annual':
      return 12;
  }
}

function monthsOfPricePeriod(pricePeriod: PricePeriod): number {
  switch (pricePeriod) {
    case 'month':
      return 1;
    case 'year':
      return 12;
  }
}

function later(a: CalendarDate, b: CalendarDate): CalendarDate {
  return a.isAfter(b) ? a : b;
}

function earlier(a: CalendarDate, b: CalendarDate): CalendarDate {
  return a.isBefore(b) ? a : b;
}

function piece(index: number, start: CalendarDate, end: CalendarDate, nominal: Period): ScheduledPeriod {
  return {
    index,
    start,
    end,
    nominal,
    days: daysBetween(start, end),
    nominalDays: daysBetween(nominal.start, nominal.end),
  };
}

/**
 * The billing periods of a term (billing rules §2): period k is
 * `[addMonths(start, k·f), addMonths(start, (k+1)·f))`, the last one cut at the term's end.
 */
export function billingPeriods(
  startDate: CalendarDate,
  termMonths: number,
  frequency: BillingFrequency,
): ScheduledPeriod[] {
  const term = termOf(startDate, termMonths);
  const f = monthsOf(frequency);
  const periods: ScheduledPeriod[] = [];
  for (let k = 0; k * f < termMonths; k++) {
    const nominal = { start: addMonths(startDate, k * f), end: addMonths(startDate, (k + 1) * f) };
    periods.push(piece(k, nominal.start, earlier(nominal.end, term.end), nominal));
  }
  return periods;
}

/**
 * Cuts `[start, end)` into periods of a price period anchored on `anchor` (billing rules §2,
 * `upfront`): nominal period k is `[addMonths(anchor, k·p), addMonths(anchor, (k+1)·p))` with p = 1
 * for `month`, 12 for `year`; each piece is the part of `[start, end)` inside one nominal period.
 * `anchor` must not be after `start`.
 */
export function pricePeriodsOf(
  start: CalendarDate,
  end: CalendarDate,
  pricePeriod: PricePeriod,
  anchor: CalendarDate,
): ScheduledPeriod[] {
  if (!start.isBefore(end)) {
    throw new BillingError(
      BillingErrorCode.InvalidPeriod,
      `Period [${start.toString()}, ${end.toString()}) is empty`,
    );
  }
  if (anchor.isAfter(start)) {
    throw new BillingError(
      BillingErrorCode.InvalidPeriod,
      `Anchor ${anchor.toString()} is after the period's start ${start.toString()}`,
    );
  }
  const p = monthsOfPricePeriod(pricePeriod);
  // First guess from whole months, then step to the nominal period that holds `start`.
  let k = Math.floor(((start.year - anchor.year) * 12 + start.month - anchor.month) / p);
  while (k > 0 && addMonths(anchor, k * p).isAfter(start)) k--;
  while (!addMonths(anchor, (k + 1) * p).isAfter(start)) k++;
  const pieces: ScheduledPeriod[] = [];
  for (; addMonths(anchor, k * p).isBefore(end); k++) {
    const nominal = { start: addMonths(anchor, k * p), end: addMonths(anchor, (k + 1) * p) };
    pieces.push(piece(k, later(nominal.start, start), earlier(nominal.end, end), nominal));
  }
  return pieces;
}
