import { Fraction, minorToFraction, roundHalfAwayFromZero } from '@o2c/money';
import { BillingError, BillingErrorCode } from '../billing.errors';
import type { ScheduledDocument, ScheduledLine } from '../schedule/scheduled-document';

const HUNDRED = Fraction.fromInteger(100n);

/** The EU member states (ISO 3166-1 alpha-2; Greece is `GR`), for reverse charge (billing rules §8). */
export const EU_COUNTRIES: ReadonlySet<string> = new Set([
  'AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'HU', 'IE',
  'IT', 'LV', 'LT', 'LU', 'MT', 'NL', 'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE',
]); // prettier-ignore

/** How a customer's documents are taxed. */
export interface TaxTreatment {
  /** The customer's country. */
  country: string;
  /** Percent, exact; 0 under reverse charge. */
  ratePercent: Fraction;
  /** The invoice must say "Reverse charge". */
  reverseCharge: boolean;
}

export interface TaxParty {
  country: string;
  taxId?: string | undefined;
}

/** Tax rate in percent, a decimal string (`"19"`, `"8.1"`), by customer country: the configurable table of §8. */
export type TaxRates = ReadonlyMap<string, string>;

/**
 * Billing rules §8: the customer country's rate from `rates`, or 0 % under reverse charge (a customer
 * with a tax id in an EU country other than the seller's). Throws `BILLING.UNKNOWN_TAX_COUNTRY` for a
 * country the table does not hold.
 */
export function taxTreatment(seller: TaxParty, customer: TaxParty, rates: TaxRates): TaxTreatment {
  const rate = rates.get(customer.country);
  if (rate === undefined) {
    throw new BillingError(
      BillingErrorCode.UnknownTaxCountry,
      `Customer country ${customer.country} has no tax rate in the table`,
    );
  }
  const reverseCharge =
    EU_COUNTRIES.has(customer.country) &&
    EU_COUNTRIES.has(seller.country) &&
    customer.country !== seller.country &&
    customer.taxId !== undefined &&
    customer.taxId.trim() !== '';
  return {
    country: customer.country,
    ratePercent: reverseCharge ? Fraction.ZERO : Fraction.parseDecimal(rate),
    reverseCharge,
  };
}

export interface TaxedLine extends ScheduledLine {
  /** Tax of the rounded line amount, rounded half away from zero (billing rules §8). */
  taxMinor: bigint;
}

export interface TaxedDocument extends Omit<ScheduledDocument, 'lines'> {
  lines: TaxedLine[];
  tax: TaxTreatment;
  subtotalMinor: bigint;
  taxMinor: bigint;
  /** Σ lines + Σ taxes. */
  totalMinor: bigint;
}

/** A scheduled document with tax per line, on the rounded line amount; a credit note at the rate of what it credits. */
export function applyTax(document: ScheduledDocument, tax: TaxTreatment): TaxedDocument {
  const lines = document.lines.map((line) => ({
    ...line,
    taxMinor: roundHalfAwayFromZero(
      minorToFraction(line.amountMinor, document.currency).mul(tax.ratePercent).div(HUNDRED),
      document.currency,
    ),
  }));
  const subtotalMinor = lines.reduce((sum, line) => sum + line.amountMinor, 0n);
  const taxMinor = lines.reduce((sum, line) => sum + line.taxMinor, 0n);
  return { ...document, lines, tax, subtotalMinor, taxMinor, totalMinor: subtotalMinor + taxMinor };
}
