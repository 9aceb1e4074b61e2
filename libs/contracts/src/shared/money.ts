import { Matches } from 'class-validator';
import { IsCurrencyCode } from './validators';

/**
 * An amount of money on the wire: integer minor units as a decimal string, so no consumer loses
 * precision (`{ "amountMinor": "410104", "currency": "USD" }` is 4,101.04 USD; JPY has no minor
 * unit, KWD three).
 *
 * Sign convention of v1: amounts are never negative. The document says which way the money goes:
 * an invoice charges its amounts, a credit note credits its (positive) amounts. `"-0"` and leading
 * zeros are refused so each amount has exactly one spelling.
 */
export class MoneyV1 {
  /** Integer minor units, non-negative, as a string: `"0"`, `"1620000"`. */
  @Matches(/^(0|[1-9]\d*)$/, { message: '$property must be a non-negative integer string of minor units' })
  amountMinor!: string;

  /** ISO 4217 code in upper case. */
  @IsCurrencyCode()
  currency!: string;
}
