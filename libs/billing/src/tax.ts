import { Fraction, minorToFraction, roundHalfAwayFromZero } from '@o2c/money';
import { BillingError, BillingErrorCode } from './billing.errors';
import type { ScheduledDocument, ScheduledLine } from './document-schedule';

const HUNDRED = Fraction.fromInteger(100n);

/** The EU member states (ISO 3166-1 alpha-2; Greece is `GR`), for reverse charge (billing rules §8). */
export const EU_COUNTRIES: ReadonlySet<string> = new Set([
  'AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'HU', 'IE',
  'IT', 'LV', 'LT', 'LU', 'MT', 'NL', 'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE',
]); // prettier-ignore

/**
 * The default rate table of billing rules §8, percent as decimal strings: the EU member states'
 * standard VAT rates as in force on 2026-01-01, GB 20 %, CH 8.1 %, US 0 % (no sales tax in v1).
 * Deployments replace it through configuration.
 */
export const DEFAULT_TAX_RATES: Readonly<Record<string, string>> = {
  AT: '20', BE: '21', BG: '20', HR: '25', CY: '19', CZ: '21', DK: '25', EE: '24', FI: '25.5',
  FR: '20', DE: '19', GR: '24', HU: '27', IE: '23', IT: '22', LV: '21', LT: '21', LU: '17',
  MT: '18', NL: '21', PL: '23', PT: '23', RO: '21', SK: '23', SI: '22', ES: '21', SE: '25',
  GB: '20', CH: '8.1', US: '0',
}; // prettier-ignore

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

/**
 * Billing rules §8: the customer country's rate from `rates`, or 0 % under reverse charge (a customer
 * with a tax id in an EU country other than the seller's). Throws `BILLING.UNKNOWN_TAX_COUNTRY` for a
 * country the table does not hold.
 */
export function taxTreatment(
  seller: TaxParty,
  customer: TaxParty,
  rates: Readonly<Record<string, string>> = DEFAULT_TAX_RATES,
): TaxTreatment {
  const rate = rates[customer.country];
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
