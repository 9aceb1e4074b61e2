import type { Fraction } from '@o2c/money';
import type { Period } from '../calendar/period';
import type { BillingFrequency, PricePeriod } from '../schedule/billing-periods';
import type { CalendarDate } from '../calendar/calendar-date';

/** How often a contract is invoiced: a schedule of periods, or the whole term at once (billing rules §2). */
export type InvoicingFrequency = BillingFrequency | 'upfront';

/** One term of a contract, every default resolved. */
export interface ContractTerm extends Period {
  termMonths: number;
  billingFrequency: InvoicingFrequency;
  paymentTermsDays: number;
  autoRenew: boolean;
  renewalTermMonths: number;
  /** Percent, exact: `6` raises a price by 6 %. */
  renewalUpliftPercent: Fraction;
}

/** What a recurring charge bills over `[start, end)`; quantity 0 bills nothing. */
export interface ChargeSegment extends Period {
  quantity: number;
  /** Major units, before discount; exact (an uplifted price may have more decimals than the currency). */
  unitPrice: Fraction;
  /** Percent, exact. */
  discountPercent: Fraction;
}

/** A charge billed in advance per period; its segments are contiguous, in date order. */
export interface RecurringCharge {
  chargeType: 'recurring';
  /** The CRM's line id. */
  id: string;
  sku: string;
  pricePeriod: PricePeriod;
  segments: ChargeSegment[];
}

/** A charge billed once, in full, on `billedOn` (billing rules §2); never prorated nor credited. */
export interface OneTimeCharge {
  chargeType: 'one_time';
  id: string;
  sku: string;
  billedOn: CalendarDate;
  quantity: number;
  unitPrice: Fraction;
  discountPercent: Fraction;
}

export type ContractCharge = RecurringCharge | OneTimeCharge;

export type ContractChangeKind = 'new' | 'amendment' | 'cancellation' | 'renewal' | 'auto_renewal';

/** What made a version: the deal (its id) or the automatic renewal, and the day it takes effect. */
export interface ContractChange {
  kind: ContractChangeKind;
  /** The deal id, or `auto-renewal:<new term's start>` for an automatic renewal. */
  id: string;
  /**
   * The day from which the version bills (billing rules §5: the regular invoice of a period bills the
   * latest version effective on or before its first day). An end-of-term cancellation takes effect on the
   * term's end and changes nothing billable before it.
   */
  effectiveDate: CalendarDate;
}

export type ContractStatus = 'active' | 'non_renewing' | 'cancelled';

/**
 * The contract after a change. Versions of one contract form its history, from which every document
 * follows (`scheduleDocuments`); `charges` hold the current term only.
 */
export interface ContractVersion {
  version: number;
  change: ContractChange;
  currency: string;
  status: ContractStatus;
  term: ContractTerm;
  /** The last day of service (exclusive) once cancelled immediately. */
  endsOn?: CalendarDate;
  charges: ContractCharge[];
}
