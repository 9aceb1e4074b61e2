import { type CalendarDate, type Period, type TaxedDocument, type TaxTreatment } from '@o2c/billing';
import { type DealKind } from '@o2c/contracts';
import { type SkippedDeal } from '../../domain/billing-preview';
import { type BillabilityProblem, type ClosedDeal } from '../../domain/deal';

/** A deal as the webhook would take it, to be billed on paper only. */
export interface PreviewDealCommand {
  readonly deal: ClosedDeal;
}

/** The billing schedule the deal would make, taxed. */
export interface DealPreview {
  readonly dealId: string;
  readonly kind: DealKind;
  /** The contract a change applies to; null for a new deal (it gets one when accepted). */
  readonly contractId: string | null;
  readonly currency: string;
  /** The documents are those dated on or after this day: the deal's effective date, a new deal's start. */
  readonly from: CalendarDate;
  /** The term in force once the deal applies, and whether it renews automatically. */
  readonly term: Period & { readonly autoRenew: boolean };
  readonly sellerCountry: string;
  readonly tax: TaxTreatment;
  readonly documents: readonly TaxedDocument[];
  /** A change only: the contract's documents over the same days without the deal. */
  readonly withoutDeal?: readonly TaxedDocument[];
  /** Accepted deals of the contract the billing engine cannot apply, left out of it. */
  readonly skipped: readonly SkippedDeal[];
}

export type PreviewDealResult =
  | { readonly ok: true; readonly preview: DealPreview }
  | { readonly ok: false; readonly problems: readonly BillabilityProblem[] };
