import {
  BillingError,
  type CalendarDate,
  contractHistory,
  type ContractVersion,
  type DealInput,
  scheduleDocuments,
  type ScheduledDocument,
  withAutomaticRenewals,
} from '@o2c/billing';

/** An accepted deal of the contract (its event's data fits `DealInput`). */
export interface AcceptedChange {
  readonly deal: DealInput;
}

/** An accepted deal the billing engine refuses to apply, so it is not part of the contract. */
export interface SkippedDeal {
  readonly dealId: string;
  readonly reason: string;
}

export interface SchedulePreview {
  /** The contract as the deal leaves it. */
  readonly version: ContractVersion;
  /** The deal's effective date (a new deal's start): the documents shown are dated on or after it. */
  readonly from: CalendarDate;
  /**
   * The documents of the contract with the deal, dated from `from`: the change's own documents and every
   * later one, to the end of the last term and, when it renews automatically, its first renewal. For a new
   * deal, every document of its term (and first renewal).
   */
  readonly documents: ScheduledDocument[];
  /** A change only: the documents the contract had over the same days without it, to compare. */
  readonly withoutDeal?: ScheduledDocument[];
  readonly skipped: readonly SkippedDeal[];
}

/**
 * The accepted deals the billing engine applies, in the order accepted; a deal it refuses (accepted under
 * rules of an earlier release) is left out, as the subscriptions service left it out (dead-lettered until
 * fixed), and reported.
 */
function applicable(accepted: readonly AcceptedChange[]): { deals: DealInput[]; skipped: SkippedDeal[] } {
  const deals: DealInput[] = [];
  const skipped: SkippedDeal[] = [];
  for (const { deal } of accepted) {
    try {
      contractHistory([...deals, deal]);
      deals.push(deal);
    } catch (error) {
      if (!(error instanceof BillingError)) throw error;
      skipped.push({ dealId: deal.dealId, reason: error.message });
    }
  }
  return { deals, skipped };
}

/**
 * The contract's history from its accepted deals, by the billing library's `contractHistory` (effective-date
 * order, automatic renewals made first), with the automatic renewals through `today`.
 */
export function rebuildHistory(
  accepted: readonly AcceptedChange[],
  today: CalendarDate,
): { history: ContractVersion[]; skipped: SkippedDeal[] } {
  const { deals, skipped } = applicable(accepted);
  return { history: deals.length === 0 ? [] : contractHistory(deals, today), skipped };
}

/** The documents of `history` and of the first automatic renewal of its last term, dated from `from`. */
function documentsFrom(history: ContractVersion[], from: CalendarDate): ScheduledDocument[] {
  const last = history.at(-1)!;
  return scheduleDocuments(withAutomaticRenewals(history, last.term.end)).filter(
    (document) => !document.date.isBefore(from),
  );
}

/**
 * What billing would make of `deal` (billing-rules.md), with the function the subscriptions service applies
 * it with: a new deal on its own; a change among its contract's accepted deals (an earlier acceptance of
 * the same deal id is left out, so that the preview shows this version of it instead), placed by its date.
 * `today` is the day through which automatic renewals are shown made. Pure; throws the engine's
 * `BillingError` when the deal cannot apply.
 */
export function previewSchedule(
  accepted: readonly AcceptedChange[],
  deal: DealInput,
  today: CalendarDate,
): SchedulePreview {
  if (deal.kind === 'new') {
    const history = contractHistory([deal]);
    const version = history[0]!;
    return {
      version,
      from: version.term.start,
      documents: documentsFrom(history, version.term.start),
      skipped: [],
    };
  }
  const { deals, skipped } = applicable(accepted.filter((a) => a.deal.dealId !== deal.dealId));
  const after = contractHistory([...deals, deal], today);
  const version = after.find((v) => v.change.id === deal.dealId)!;
  const from = version.change.effectiveDate;
  const before = contractHistory(deals, today);
  return {
    version,
    from,
    documents: documentsFrom(after, from),
    withoutDeal: documentsFrom(before, from),
    skipped,
  };
}
