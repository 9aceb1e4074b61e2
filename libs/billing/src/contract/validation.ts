import { Fraction } from '@o2c/money';
import { BillingError, BillingErrorCode } from '../billing.errors';
import type { CalendarDate } from '../calendar/calendar-date';
import type { ContractVersion } from './contract';

const HUNDRED = Fraction.fromInteger(100n);

/** Refuses a deal that cannot apply: `BILLING.INVALID_CHANGE` with the reason. */
export function invalid(message: string): never {
  throw new BillingError(BillingErrorCode.InvalidChange, message);
}

export function requireQuantity(quantity: number, where: string): void {
  if (!Number.isSafeInteger(quantity) || quantity < 0) {
    invalid(`${where}: quantity ${quantity} must be a whole number, 0 or more`);
  }
}

export function requirePrice(price: Fraction, where: string): void {
  if (price.isNegative()) invalid(`${where}: unit price ${price.toDecimalString(6)} must not be negative`);
}

export function requirePercent(percent: Fraction, where: string): void {
  if (percent.isNegative() || percent.compare(HUNDRED) > 0) {
    invalid(`${where}: discount ${percent.toDecimalString(6)} % must be between 0 and 100`);
  }
}

/**
 * Changes apply in effective-date order (`contractHistory` sorts them, billing rules §5): one dated before
 * the version it applies to would undo part of it. An end-of-term cancellation takes effect at the term's
 * end, so changes inside the term still follow it.
 */
export function requireInOrder(current: ContractVersion, date: CalendarDate, what: string): void {
  if (current.change.kind === 'cancellation') return;
  if (date.isBefore(current.change.effectiveDate)) {
    invalid(
      `${what}: effective ${date.toString()}, before the change in effect on ${current.change.effectiveDate.toString()}; apply the contract's changes in effective-date order`,
    );
  }
}

/** An amendment or an immediate cancellation takes effect inside the current term (§5, §6). */
export function requireInsideTerm(current: ContractVersion, date: CalendarDate, what: string): void {
  const { start, end } = current.term;
  if (date.isBefore(start) || !date.isBefore(end)) {
    invalid(
      `${what}: ${date.toString()} is outside the current term [${start.toString()}, ${end.toString()})`,
    );
  }
}
