import { readFileSync } from 'node:fs';
import { type TaxRates } from '@o2c/billing';
import { isDecimalString } from '@o2c/contracts';
import { isISO31661Alpha2 } from 'class-validator';

/**
 * Reads a tax table file's content, `{ "rates": { "DE": "19", ... } }` (billing-rules.md §8): upper-case
 * ISO 3166-1 alpha-2 countries, rates from "0" to "100". Throws with every bad entry named, so a bad file
 * stops the boot.
 */
export function parseTaxTable(raw: unknown, source: string): TaxRates {
  const rates = (raw as { rates?: unknown } | null)?.rates;
  if (typeof rates !== 'object' || rates === null || Array.isArray(rates)) {
    throw new Error(`${source} has no "rates" object`);
  }
  const entries = Object.entries(rates as Record<string, unknown>);
  const problems = entries.flatMap(([country, rate]) => [
    ...(/^[A-Z]{2}$/.test(country) && isISO31661Alpha2(country)
      ? []
      : [`${country} is not an ISO 3166-1 alpha-2 country code in upper case`]),
    ...(isDecimalString(rate, 100)
      ? []
      : [`the rate of ${country} must be a decimal string from "0" to "100"`]),
  ]);
  if (entries.length === 0) problems.push('it has no rate');
  if (problems.length > 0) throw new Error(`${source} is invalid: ${problems.join('; ')}`);
  return new Map(entries as [string, string][]);
}

/** The tax table of a file (`TAX_RATES_FILE`); throws naming the file and every problem. */
export function loadTaxTable(path: string): TaxRates {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(
      `${path} cannot be read as JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return parseTaxTable(raw, path);
}
