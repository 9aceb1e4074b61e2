import { BillingError, BillingErrorCode } from '../billing.errors';
import { addMonths, type CalendarDate } from './calendar-date';

/** A half-open period `[start, end)` of calendar dates (billing rules §1). */
export interface Period {
  start: CalendarDate;
  end: CalendarDate;
}

function requirePositiveMonths(termMonths: number): void {
  if (!Number.isSafeInteger(termMonths) || termMonths < 1) {
    throw new BillingError(
      BillingErrorCode.InvalidTerm,
      `A term of ${termMonths} months is invalid: it must be a whole number of months, at least 1`,
    );
  }
}

/** A contract's term `[startDate, addMonths(startDate, termMonths))` (billing rules §1). */
export function termOf(startDate: CalendarDate, termMonths: number): Period {
  requirePositiveMonths(termMonths);
  return { start: startDate, end: addMonths(startDate, termMonths) };
}
