import { MoneyError, MoneyErrorCode } from './money.errors';

// Hand-written over BigInt rather than fraction.js: a few lines keep `@o2c/money` free of
// dependencies besides dinero.js, and no JavaScript number can ever slip into an amount.

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

/**
 * An exact rational number over BigInt, always reduced, with a positive denominator.
 * Amounts stay fractions until the one rounding to minor units (billing rules §3).
 */
export class Fraction {
  static readonly ZERO = new Fraction(0n, 1n);
  static readonly ONE = new Fraction(1n, 1n);

  private constructor(
    /** Carries the sign. */
    readonly numerator: bigint,
    /** Always > 0. */
    readonly denominator: bigint,
  ) {}

  /** `numerator / denominator`, reduced; throws on a zero denominator. */
  static of(numerator: bigint, denominator: bigint = 1n): Fraction {
    if (denominator === 0n) {
      throw new MoneyError(MoneyErrorCode.DivisionByZero, `Fraction ${numerator}/0 has a zero denominator`);
    }
    const sign = denominator < 0n ? -1n : 1n;
    const divisor = gcd(numerator, denominator) || 1n;
    return new Fraction((sign * numerator) / divisor, (sign * denominator) / divisor);
  }

  static fromInteger(value: bigint): Fraction {
    return new Fraction(value, 1n);
  }

  /** Parses a decimal string (`"12.345"`, `"-0.5"`, `"360"`) exactly; no exponent, sign only `-`. */
  static parseDecimal(value: string): Fraction {
    const match = DECIMAL.exec(value);
    if (!match) {
      throw new MoneyError(MoneyErrorCode.InvalidAmount, `"${value}" is not a decimal number`);
    }
    const [, sign, whole = '', decimals = ''] = match;
    const numerator = BigInt(whole + decimals) * (sign === '-' ? -1n : 1n);
    return Fraction.of(numerator, 10n ** BigInt(decimals.length));
  }

  add(other: Fraction): Fraction {
    return Fraction.of(
      this.numerator * other.denominator + other.numerator * this.denominator,
      this.denominator * other.denominator,
    );
  }

  sub(other: Fraction): Fraction {
    return this.add(other.neg());
  }

  mul(other: Fraction): Fraction {
    return Fraction.of(this.numerator * other.numerator, this.denominator * other.denominator);
  }

  /** Throws a `MoneyError` when `other` is zero. */
  div(other: Fraction): Fraction {
    if (other.isZero()) {
      throw new MoneyError(MoneyErrorCode.DivisionByZero, `Cannot divide ${this.toString()} by zero`);
    }
    return Fraction.of(this.numerator * other.denominator, this.denominator * other.numerator);
  }

  neg(): Fraction {
    return new Fraction(-this.numerator, this.denominator);
  }

  /** -1, 0 or 1 as this is less than, equal to or greater than `other`. */
  compare(other: Fraction): -1 | 0 | 1 {
    const difference = this.numerator * other.denominator - other.numerator * this.denominator;
    return difference < 0n ? -1 : difference > 0n ? 1 : 0;
  }

  equals(other: Fraction): boolean {
    return this.numerator === other.numerator && this.denominator === other.denominator;
  }

  isZero(): boolean {
    return this.numerator === 0n;
  }

  isNegative(): boolean {
    return this.numerator < 0n;
  }

  /**
   * Decimal notation with at most `digits` decimals, for people reading an explanation:
   * `"4101.041095…"` when the value has more decimals (truncated, marked with `…`), `"4101.04"` otherwise.
   */
  toDecimalString(digits: number): string {
    const sign = this.numerator < 0n ? '-' : '';
    const magnitude = this.numerator < 0n ? -this.numerator : this.numerator;
    const whole = magnitude / this.denominator;
    let remainder = magnitude % this.denominator;
    let decimals = '';
    while (remainder !== 0n && decimals.length < digits) {
      remainder *= 10n;
      decimals += (remainder / this.denominator).toString();
      remainder %= this.denominator;
    }
    const text = decimals === '' ? `${whole}` : `${whole}.${decimals}`;
    return `${sign}${text}${remainder === 0n ? '' : '…'}`;
  }

  /**
   * Every decimal of a value whose decimal expansion terminates (its denominator has no prime factor but 2
   * and 5), however many there are: `"110.924365"`, `"-0.5"`, `"360"`. Exact prices and percents travel in this
   * form (an uplift compounded over many renewals has two more decimals per renewal). Throws a `MoneyError`
   * for a value such as 1/3 that has no exact decimal form.
   */
  toExactDecimalString(): string {
    let rest = this.denominator;
    let twos = 0;
    let fives = 0;
    while (rest % 2n === 0n) [rest, twos] = [rest / 2n, twos + 1];
    while (rest % 5n === 0n) [rest, fives] = [rest / 5n, fives + 1];
    if (rest !== 1n) {
      throw new MoneyError(
        MoneyErrorCode.InvalidAmount,
        `${this.toString()} has no exact decimal form (its decimals never end)`,
      );
    }
    return this.toDecimalString(Math.max(twos, fives));
  }

  /** `"n/d"`, or `"n"` when the denominator is 1. */
  toString(): string {
    return this.denominator === 1n ? `${this.numerator}` : `${this.numerator}/${this.denominator}`;
  }
}
