// @o2c/billing: the billing rules (billing-rules.md v1.1) as pure functions, one folder per rule.
// Read this file as the rules' table of contents; docs/billing.md maps each section to its folder.

/** Failures: one error class, one code per broken rule. */
export { BillingError, BillingErrorCode } from './billing.errors';

/** §1 Dates and periods — calendar/: calendar dates, `addMonths` from the anchor, `[start, end)`, the term. */
export { addDays, addMonths, CalendarDate, daysBetween, daysInMonth } from './calendar/calendar-date';
export { type Period, termOf } from './calendar/period';

/** The contract and its history — contract/: versions made by deals, in effective-date order (§5). */
export type {
  ChargeSegment,
  ContractChange,
  ContractChangeKind,
  ContractCharge,
  ContractStatus,
  ContractTerm,
  ContractVersion,
  InvoicingFrequency,
  OneTimeCharge,
  RecurringCharge,
} from './contract/contract';
export {
  type LineSpec,
  type NewContractSpec,
  type SegmentSpec,
  startContract,
  type TermSpec,
} from './contract/start-contract';
export { applyDeal, type DealInput, type DealLineInput } from './contract/deal-input';
export { appendDeal, contractHistory, inHistoryOrder, type PlacedDeal } from './contract/contract-history';

/** §2 Billing schedule — schedule/: billing periods, in advance, upfront; every document a history calls for. */
export {
  billingPeriods,
  type BillingFrequency,
  monthsOf,
  pricePeriodsOf,
  type PricePeriod,
  type ScheduledPeriod,
} from './schedule/billing-periods';
export type {
  DocumentKind,
  LineExplanation,
  LineRule,
  ScheduledDocument,
  ScheduledLine,
} from './schedule/scheduled-document';
export { scheduleDocuments } from './schedule/document-schedule';
export { regularKeyDate } from './schedule/scheduled-document';
export { type PresentedDocument, presentDocument } from './schedule/document-presenter';

/** §3 Amounts — proration/: net price, full and partial periods by days, one rounding per line (internal). */

/** §4 Ramps — ramps/: contiguous price segments; only their boundaries split a line (internal). */

/** §5 Amendments — amendments/: co-termed changes from `E`, billed as the difference after − before. */
export { type AmendmentSpec, amendContract, type LineChangeSpec } from './amendments/amend-contract';

/** §6 Cancellation — cancellations/: end of term, or immediate with a credit of the billed rest. */
export { cancelContract, type CancellationSpec } from './cancellations/cancel-contract';

/** §7 Renewal — renewals/: automatic renewal with the exact uplift, or a renewal deal replacing it. */
export {
  renewAutomatically,
  renewByDeal,
  type RenewalSpec,
  withAutomaticRenewals,
} from './renewals/renewals';

/** §8 Tax — tax/: rate per customer country, reverse charge, tax per rounded line. */
export {
  applyTax,
  EU_COUNTRIES,
  type TaxedDocument,
  type TaxedLine,
  type TaxParty,
  type TaxRates,
  type TaxTreatment,
  taxTreatment,
} from './tax/tax';

// §9 Documents (gapless numbers, issued documents never change) is the invoicing service's
// (services/invoicing); §10, the worked example, is tested in schedule/document-schedule.spec.ts.
