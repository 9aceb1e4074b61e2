import { type BillabilityProblem, type ClosedDeal, type DealStatus } from '../../domain/deal';

/** A deal the CRM's webhook sent. */
export interface AcceptWebhookDeal {
  readonly source: 'webhook';
  readonly deal: ClosedDeal;
}

/** The stored newest revision of a deal, taken in again because operations asked (a replay). */
export interface AcceptStoredDeal {
  readonly source: 'replay';
  readonly dealId: string;
}

export type AcceptDealCommand = AcceptWebhookDeal | AcceptStoredDeal;

/** Where one revision of a deal stands. */
export interface DealState {
  readonly dealId: string;
  readonly revision: number;
  readonly status: DealStatus;
  readonly contractId: string | null;
  /** Why it is rejected, or held. */
  readonly problems: readonly BillabilityProblem[];
}

/** `decided` the first time a deal id and revision comes; `duplicate` for each time after, changing nothing. */
export interface WebhookDealResult {
  readonly outcome: 'decided' | 'duplicate';
  readonly deal: DealState;
}

/** A replay decides a rejected or held deal again; an accepted one stays `unchanged`. */
export type StoredDealResult =
  | { readonly outcome: 'decided'; readonly previousStatus: DealStatus; readonly deal: DealState }
  | { readonly outcome: 'unchanged'; readonly deal: DealState }
  | { readonly outcome: 'not_found'; readonly dealId: string };
