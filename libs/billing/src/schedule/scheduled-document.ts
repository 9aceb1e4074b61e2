import type { Fraction } from '@o2c/money';
import { addDays, CalendarDate } from '../calendar/calendar-date';
import type { Period } from '../calendar/period';
import type { ContractChange, ContractVersion } from '../contract/contract';
import type { PricePeriod } from './billing-periods';

export type DocumentKind = 'invoice' | 'credit_note';

/** Which rule of billing-rules.md made a line. */
export type LineRule =
  /** §2–§4: a period billed in advance, a piece per ramp segment and per later change of the line. */
  | 'regular'
  /** §2: a one-time charge, in full. */
  | 'one_time'
  /** §5: a line added by an amendment, from `E` to the end of the billing period. */
  | 'new_charge'
  /** §5: quantity up by Δ. */
  | 'quantity_increase'
  /** §5: quantity down by Δ (to 0 removes the line). */
  | 'quantity_decrease'
  /** §5: a price change credits the old price… */
  | 'price_change_credit'
  /** …and charges the new one. */
  | 'price_change_charge'
  /** §6: an immediate cancellation credits the billed rest of the period. */
  | 'cancellation_credit';

/** Everything finance needs to redo a line by hand (issue: "every computed line explains itself"). */
export interface LineExplanation {
  rule: LineRule;
  quantity: number;
  /** Major units before discount, exact. */
  unitPrice: Fraction;
  discountPercent: Fraction;
  /** `unitPrice × (1 − discountPercent/100)`, exact. */
  netUnitPrice: Fraction;
  /** Recurring lines only: the piece billed, its nominal period and their calendar days. */
  proration?: {
    pricePeriod: PricePeriod;
    /** Months of the nominal period: the billing frequency's, or the price period's when upfront. */
    periodMonths: number;
    nominalPeriod: Period;
    days: number;
    nominalDays: number;
  };
  /** The amount before its one rounding, exact (major units). */
  exactAmount: Fraction;
  /** The computation in one line: `15 × 420 × 12/12 × 195/366 = 3356.557377… → 3356.56`. */
  formula: string;
}

export interface ScheduledLine {
  chargeId: string;
  sku: string;
  chargeType: 'recurring' | 'one_time';
  /** `[start, end)`; a one-time charge's is the day it is billed (`start = end`). */
  servicePeriod: Period;
  /** Positive: what an invoice charges or a credit note credits, rounded once (billing rules §3). */
  amountMinor: bigint;
  /** Recurring lines: the charge segment `[effectiveFrom, effectiveTo)` of the contract version the line bills. */
  segment?: Period;
  explanation: LineExplanation;
}

/**
 * A document the contract's history calls for. `key` identifies it within the contract for ever:
 * `regular:<date>` for a period's invoice, `change:<deal id>:<kind>` for a change's own documents.
 */
export interface ScheduledDocument {
  key: string;
  kind: DocumentKind;
  date: CalendarDate;
  dueDate: CalendarDate;
  currency: string;
  /** The contract version the document bills. */
  contractVersion: number;
  change: ContractChange;
  /** Credit notes: the key of the regular invoice of the period they credit. */
  creditsDocumentKey?: string;
  lines: ScheduledLine[];
}

/** A document of `version`, due `paymentTermsDays` after its date (billing rules §2). */
export function document(
  kind: DocumentKind,
  key: string,
  date: CalendarDate,
  version: ContractVersion,
  lines: ScheduledLine[],
  creditsDocumentKey?: string,
): ScheduledDocument {
  return {
    key,
    kind,
    date,
    dueDate: addDays(date, version.term.paymentTermsDays),
    currency: version.currency,
    contractVersion: version.version,
    change: version.change,
    ...(creditsDocumentKey === undefined ? {} : { creditsDocumentKey }),
    lines,
  };
}

const REGULAR = 'regular:';

/** The key of the regular invoice of the period starting on `date`. */
export function regularKey(date: CalendarDate): string {
  return `${REGULAR}${date.toString()}`;
}

/** The date of the regular invoice whose key is `key` (its period's start); undefined for any other key. */
export function regularKeyDate(key: string): CalendarDate | undefined {
  return key.startsWith(REGULAR) ? CalendarDate.parse(key.slice(REGULAR.length)) : undefined;
}
