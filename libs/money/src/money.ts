import { dinero, toDecimal, type Dinero } from 'dinero.js/bigint';
import { currencyOf } from './currencies';
import { Fraction } from './fraction';
import { MoneyError, MoneyErrorCode } from './money.errors';

/** Same spelling as `isDecimalString` of `@o2c/contracts`: no sign, exponent, spaces or leading zeros. */
const DECIMAL = /^(0|[1-9]\d*)(?:\.(\d+))?$/;
/** Wire minor units: non-negative integer, one spelling per value (no `-0`, no leading zeros). */
const WIRE_MINOR = /^(0|[1-9]\d*)$/;

/** An amount on the wire: integer minor units as a string (`{ amountMinor: "410104", currency: "USD" }`). */
export interface WireMoney {
  amountMinor: string;
  currency: string;
}

/** An amount in integer minor units of its currency. */
export interface Money {
  amountMinor: bigint;
  currency: string;
}

function scaleOf(code: string): bigint {
  return 10n ** currencyOf(code).exponent;
}

/**
 * Rounds an exact amount (major units) once to the minor unit of `currency`, half away from zero
 * (billing rules §3): 1496880/365 USD → 410104 cents; -0.005 USD → -1 cent.
 */
export function roundHalfAwayFromZero(amount: Fraction, currency: string): bigint {
  const scaled = amount.numerator * scaleOf(currency);
  const magnitude = scaled < 0n ? -scaled : scaled;
  const quotient = magnitude / amount.denominator;
  const remainder = magnitude % amount.denominator;
  const rounded = 2n * remainder >= amount.denominator ? quotient + 1n : quotient;
  return scaled < 0n ? -rounded : rounded;
}

/** Minor units as an exact fraction of major units: 410104n USD → 410104/100. */
export function minorToFraction(amountMinor: bigint, currency: string): Fraction {
  return Fraction.of(amountMinor, scaleOf(currency));
}

/**
 * Parses a non-negative decimal amount (`"360.00"`) into minor units of `currency`.
 * Refuses, never rounds, more decimals than the currency has (`"1.234"` USD, `"1000.0"` JPY: the
 * decimals as written count, billing rules §3), and refuses signs, exponents, spaces, separators and
 * leading zeros. Negatives are refused: prices and wire amounts are never negative in v1.
 */
export function parseMoney(value: string, currency: string): bigint {
  const decimals = Number(currencyOf(currency).exponent);
  if (value.startsWith('-') && DECIMAL.test(value.slice(1))) {
    throw new MoneyError(MoneyErrorCode.NegativeAmount, `Amount "${value}" ${currency} must not be negative`);
  }
  const match = DECIMAL.exec(value);
  if (!match) {
    throw new MoneyError(
      MoneyErrorCode.InvalidAmount,
      `Amount "${value}" ${currency} is not a decimal number such as "360.00"`,
    );
  }
  const [, whole = '', fraction = ''] = match;
  if (fraction.length > decimals) {
    throw new MoneyError(
      MoneyErrorCode.TooManyDecimals,
      `Amount "${value}" has ${fraction.length} decimals but ${currency} allows at most ${decimals}`,
    );
  }
  return BigInt(whole + fraction.padEnd(decimals, '0'));
}

/** A dinero.js value of `amountMinor` minor units of `currency`. */
export function toDinero(amountMinor: bigint, currency: string): Dinero<bigint> {
  return dinero({ amount: amountMinor, currency: currencyOf(currency) });
}

/** Minor units as a decimal string in major units: 12345n USD → `"123.45"`, JPY → `"12345"`, KWD → `"12.345"`. */
export function formatMinor(amountMinor: bigint, currency: string): string {
  return toDecimal(toDinero(amountMinor, currency));
}

/** The wire form of an amount; refuses negatives (the document type says which way money goes). */
export function toWireMoney(money: Money): WireMoney {
  currencyOf(money.currency);
  if (money.amountMinor < 0n) {
    throw new MoneyError(
      MoneyErrorCode.NegativeAmount,
      `Amount ${money.amountMinor} ${money.currency} must not be negative on the wire`,
    );
  }
  return { amountMinor: money.amountMinor.toString(), currency: money.currency };
}

/** Reads the wire form of an amount, refusing unknown currencies and anything but `"0"` or `"[1-9][0-9]*"`. */
export function fromWireMoney(wire: WireMoney): Money {
  currencyOf(wire.currency);
  if (typeof wire.amountMinor !== 'string' || !WIRE_MINOR.test(wire.amountMinor)) {
    throw new MoneyError(
      MoneyErrorCode.InvalidAmount,
      `amountMinor "${String(wire.amountMinor)}" ${wire.currency} must be a non-negative integer string`,
    );
  }
  return { amountMinor: BigInt(wire.amountMinor), currency: wire.currency };
}

/**
 * A price in major units, exactly, as the wire carries it: at least the currency's decimals (`"360.00"` USD,
 * `"3300"` JPY), more wherever the exact value has them (`"508.8725"` after an uplift, sixty decimals after thirty
 * uplifts of 3 %); never cut. Throws a `MoneyError` for a value with no exact decimal form.
 */
export function formatExactPrice(value: Fraction, currency: string): string {
  const exponent = Number(currencyOf(currency).exponent);
  const [whole, decimals = ''] = value.toExactDecimalString().split('.');
  const padded = decimals.padEnd(exponent, '0');
  return `${whole!}${padded === '' ? '' : `.${padded}`}`;
}

/**
 * A price in major units as people read it in an explanation: like `formatExactPrice`, but at most
 * `maxDecimals` decimals; a value with more is cut there and marked with `…`. Never for the wire.
 */
export function formatPrice(value: Fraction, currency: string, maxDecimals = 40): string {
  const text = value.toDecimalString(Math.max(maxDecimals, Number(currencyOf(currency).exponent)));
  const exact = !text.endsWith('…');
  const [whole, decimals = ''] = (exact ? text : text.slice(0, -1)).split('.');
  const padded = exact ? decimals.padEnd(Number(currencyOf(currency).exponent), '0') : decimals;
  return `${whole!}${padded === '' ? '' : `.${padded}`}${exact ? '' : '…'}`;
}
