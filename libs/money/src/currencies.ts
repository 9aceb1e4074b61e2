import * as iso4217 from 'dinero.js/bigint/currencies';
import { type DineroCurrency } from 'dinero.js/bigint';
import { MoneyError, MoneyErrorCode } from './money.errors';

/** A currency as dinero.js defines it (ISO 4217 code, base 10, exponent = minor-unit decimals). */
export type Currency = DineroCurrency<bigint>;

const BY_CODE: ReadonlyMap<string, Currency> = new Map(
  Object.values(iso4217).map((currency: Currency) => [currency.code, currency]),
);

/** The ISO 4217 currency of `code` (upper case, e.g. `"USD"`); throws `MONEY.UNKNOWN_CURRENCY` otherwise. */
export function currencyOf(code: string): Currency {
  const currency = BY_CODE.get(code);
  if (!currency) {
    throw new MoneyError(
      MoneyErrorCode.UnknownCurrency,
      `Unknown currency "${code}" (expected an ISO 4217 code)`,
    );
  }
  if (currency.base !== 10n) {
    throw new MoneyError(MoneyErrorCode.UnknownCurrency, `Currency "${code}" is not decimal`);
  }
  return currency;
}

/** Number of decimals of the currency's minor unit: USD 2, JPY 0, KWD 3. */
export function minorUnitDecimals(code: string): number {
  return Number(currencyOf(code).exponent);
}

/** Whether `code` is a known ISO 4217 currency. */
export function isKnownCurrency(code: string): boolean {
  return BY_CODE.has(code);
}
