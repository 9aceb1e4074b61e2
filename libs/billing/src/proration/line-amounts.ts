import { formatMinor, formatPrice, Fraction, roundHalfAwayFromZero } from '@o2c/money';
import { daysBetween } from '../calendar/calendar-date';
import type { Period } from '../calendar/period';
import type { ChargeSegment, OneTimeCharge, RecurringCharge } from '../contract/contract';
import type { PricePeriod } from '../schedule/billing-periods';
import type { LineRule, ScheduledLine } from '../schedule/scheduled-document';

const HUNDRED = Fraction.fromInteger(100n);

/** What a piece bills: a segment's quantity, price and discount, or a difference of two, and the segment it is in. */
export type PieceAmount = ChargeSegment;

/** A piece `[start, end)` of a charge inside one nominal period. */
export interface Piece extends Period {
  nominal: Period;
  periodMonths: number;
}

/** §3: `net = unitPrice × (1 − discountPercent/100)`, exact. */
export function netUnitPrice(unitPrice: Fraction, discountPercent: Fraction): Fraction {
  return unitPrice.mul(HUNDRED.sub(discountPercent)).div(HUNDRED);
}

function decimal(value: Fraction): string {
  return value.toDecimalString(6);
}

/** Months of the period a unit price is quoted for (§3). */
export function priceMonths(pricePeriod: PricePeriod): number {
  return pricePeriod === 'year' ? 12 : 1;
}

/**
 * §3: `net × quantity × periodMonths/priceMonths × days/nominalDays`, exact, then rounded once. A full
 * period has `days = nominalDays`; a partial one is prorated by days against the nominal period.
 */
export function recurringLine(
  charge: RecurringCharge,
  piece: Piece,
  amount: PieceAmount,
  rule: LineRule,
  currency: string,
): ScheduledLine {
  const net = netUnitPrice(amount.unitPrice, amount.discountPercent);
  const days = daysBetween(piece.start, piece.end);
  const nominalDays = daysBetween(piece.nominal.start, piece.nominal.end);
  const months = priceMonths(charge.pricePeriod);
  const exactAmount = net
    .mul(Fraction.fromInteger(BigInt(amount.quantity)))
    .mul(Fraction.of(BigInt(piece.periodMonths), BigInt(months)))
    .mul(Fraction.of(BigInt(days), BigInt(nominalDays)));
  const amountMinor = roundHalfAwayFromZero(exactAmount, currency);
  const discount = amount.discountPercent.isZero() ? '' : ` × (1 − ${decimal(amount.discountPercent)} %)`;
  return {
    chargeId: charge.id,
    sku: charge.sku,
    chargeType: 'recurring',
    servicePeriod: { start: piece.start, end: piece.end },
    amountMinor,
    segment: { start: amount.start, end: amount.end },
    explanation: {
      rule,
      quantity: amount.quantity,
      unitPrice: amount.unitPrice,
      discountPercent: amount.discountPercent,
      netUnitPrice: net,
      proration: {
        pricePeriod: charge.pricePeriod,
        periodMonths: piece.periodMonths,
        nominalPeriod: piece.nominal,
        days,
        nominalDays,
      },
      exactAmount,
      formula:
        `${amount.quantity} × ${formatPrice(amount.unitPrice, currency, 6)}${discount} × ${piece.periodMonths}/${months} months` +
        ` × ${days}/${nominalDays} days = ${decimal(exactAmount)} → ${formatMinor(amountMinor, currency)}`,
    },
  };
}

/** §2–§3: a one-time charge, `net × quantity` in full, rounded once; never prorated. */
export function oneTimeLine(charge: OneTimeCharge, currency: string): ScheduledLine {
  const net = netUnitPrice(charge.unitPrice, charge.discountPercent);
  const exactAmount = net.mul(Fraction.fromInteger(BigInt(charge.quantity)));
  const amountMinor = roundHalfAwayFromZero(exactAmount, currency);
  const discount = charge.discountPercent.isZero() ? '' : ` × (1 − ${decimal(charge.discountPercent)} %)`;
  return {
    chargeId: charge.id,
    sku: charge.sku,
    chargeType: 'one_time',
    servicePeriod: { start: charge.billedOn, end: charge.billedOn },
    amountMinor,
    explanation: {
      rule: 'one_time',
      quantity: charge.quantity,
      unitPrice: charge.unitPrice,
      discountPercent: charge.discountPercent,
      netUnitPrice: net,
      exactAmount,
      formula: `${charge.quantity} × ${formatPrice(charge.unitPrice, currency, 6)}${discount} = ${decimal(exactAmount)} → ${formatMinor(amountMinor, currency)}`,
    },
  };
}
