import { isDecimalString } from '@o2c/contracts';
import { formatMinor, isKnownCurrency, minorUnitDecimals, parseMoney } from '@o2c/money';
import { type CrmProblems } from '../crm.errors';

const DECIMAL = /^(0|[1-9]\d*)(?:\.(\d+))?$/;

/** A non-negative decimal written as `"480"`, `"480.00"` (no sign, exponent or separators). */
export function isDecimalText(text: string): boolean {
  return DECIMAL.test(text);
}

/** A decimal field's `text` when it is a non-negative decimal; a problem at `path` when not. */
export function decimalAt(text: string | undefined, path: string, problems: CrmProblems): string | undefined {
  if (text === undefined || isDecimalText(text)) return text;
  return problems.malformed(path, `"${text}" is not a non-negative decimal such as "480.00"`);
}

/** Whether a currency field's `text` is an ISO 4217 code o2c knows; a problem at `path` when it is given but not. */
export function knownCurrencyAt(
  text: string | undefined,
  path: string,
  problems: CrmProblems,
): text is string {
  if (text === undefined) return false;
  if (/^[A-Z]{3}$/.test(text) && isKnownCurrency(text)) return true;
  problems.malformed(path, `"${text}" is not an ISO 4217 currency code`);
  return false;
}

/** A percentage from `"0"` to `"100"`. */
export function isPercentText(text: string): boolean {
  return isDecimalString(text, 100);
}

export function isZeroDecimal(text: string): boolean {
  return /^0(?:\.0+)?$/.test(text);
}

/**
 * The same amount with the fraction zeros past the currency's minor unit dropped: `"480.000"` EUR is
 * `"480.00"`, `"1000.0"` JPY is `"1000"`. Only zeros go, so the value is unchanged; a non-zero digit
 * past the minor unit stays and intake refuses it (billing rules §3: rejected, never rounded).
 */
export function trimToCurrency(text: string, currency: string): string {
  const match = DECIMAL.exec(text);
  if (!match || !isKnownCurrency(currency)) return text;
  const [, whole, fraction] = match;
  if (fraction === undefined) return text;
  let kept = fraction;
  const decimals = minorUnitDecimals(currency);
  while (kept.length > decimals && kept.endsWith('0')) kept = kept.slice(0, -1);
  return kept === '' ? whole! : `${whole}.${kept}`;
}

/** A whole number written as a decimal (`"50"`, `"50.0"`: CRMs store quantities as decimals), else undefined. */
export function wholeNumber(text: string): number | undefined {
  const match = /^(0|[1-9]\d*)(?:\.0+)?$/.exec(text);
  if (!match) return undefined;
  const value = Number(match[1]);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** A whole-number field's `text` as a number; a problem at `path` when it is not one. */
export function wholeNumberAt(
  text: string | undefined,
  path: string,
  problems: CrmProblems,
): number | undefined {
  if (text === undefined) return undefined;
  return wholeNumber(text) ?? problems.malformed(path, `"${text}" is not a whole number`);
}

export type Scaled =
  { readonly ok: true; readonly value: string } | { readonly ok: false; readonly reason: string };

/**
 * `price × multiply ÷ divide`, exactly, in the currency's minor unit (a quarterly price × 4 is the
 * yearly price). Refuses, never rounds, a result that is not a whole number of minor units.
 */
export function scalePrice(text: string, currency: string, multiply: bigint, divide: bigint): Scaled {
  let minor: bigint;
  try {
    minor = parseMoney(trimToCurrency(text, currency), currency);
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
  const scaled = minor * multiply;
  if (scaled % divide !== 0n) {
    return {
      ok: false,
      reason: `${text} ${currency} × ${multiply} ÷ ${divide} is not a whole number of ${currency} minor units`,
    };
  }
  return { ok: true, value: formatMinor(scaled / divide, currency) };
}

/** `a − b` exactly in the currency (a unit price less a unit discount); refuses a negative result. */
export function subtractPrice(a: string, b: string, currency: string): Scaled {
  try {
    const difference =
      parseMoney(trimToCurrency(a, currency), currency) - parseMoney(trimToCurrency(b, currency), currency);
    if (difference < 0n) return { ok: false, reason: `the discount ${b} is larger than the price ${a}` };
    return { ok: true, value: formatMinor(difference, currency) };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}
