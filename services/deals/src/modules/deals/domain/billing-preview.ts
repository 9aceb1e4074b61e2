import {
  addDays,
  applyDeal,
  BillingError,
  CalendarDate,
  type ContractVersion,
  type DealInput,
  scheduleDocuments,
  type ScheduledDocument,
  withAutomaticRenewals,
} from '@o2c/billing';

/** An accepted deal of the contract (its event's data fits `DealInput`) and the day it was accepted. */
export interface AcceptedChange {
  readonly deal: DealInput;
  readonly acceptedOn: CalendarDate;
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
   * later one, to the end of the term the deal leaves in force and, when it renews automatically, its
   * first renewal. For a new deal, every document of its term (and first renewal).
   */
  readonly documents: ScheduledDocument[];
  /** A change only: the documents the contract had over the same days without it, to compare. */
  readonly withoutDeal?: ScheduledDocument[];
  readonly skipped: readonly SkippedDeal[];
}

/**
 * The day through which automatic renewals have happened when a change applies, so that it applies to
 * the term it falls in: its effective date (an immediate cancellation's date), the day before a renewal
 * deal's start (the renewal deal replaces the automatic renewal starting then), and for an end-of-term
 * cancellation the day it is accepted (it ends the term running then).
 */
function renewedThrough(deal: DealInput, acceptedOn: CalendarDate): CalendarDate {
  switch (deal.kind) {
    case 'new':
      return acceptedOn;
    case 'amendment':
      return deal.effectiveDate === undefined ? acceptedOn : CalendarDate.parse(deal.effectiveDate);
    case 'renewal':
      return deal.terms === undefined ? acceptedOn : addDays(CalendarDate.parse(deal.terms.startDate), -1);
    case 'cancellation':
      return deal.cancellation?.effective === 'immediate' && deal.cancellation.date !== undefined
        ? CalendarDate.parse(deal.cancellation.date)
        : acceptedOn;
  }
}

/** The history before `deal` applies (automatic renewals made up to it), and the version it makes. */
function apply(
  history: readonly ContractVersion[],
  change: AcceptedChange,
): { before: ContractVersion[]; after: ContractVersion[] } {
  if (change.deal.kind === 'new') return { before: [], after: [applyDeal(undefined, change.deal)] };
  const before = withAutomaticRenewals([...history], renewedThrough(change.deal, change.acceptedOn));
  return { before, after: [...before, applyDeal(before.at(-1), change.deal)] };
}

/**
 * The contract's history from its accepted deals, in the order they were accepted, each applied by
 * the billing engine after the automatic renewals due by then. A deal the engine refuses is left out,
 * as the subscriptions service leaves it out (dead-lettered until fixed), and reported.
 */
export function rebuildHistory(accepted: readonly AcceptedChange[]): {
  history: ContractVersion[];
  skipped: SkippedDeal[];
} {
  let history: ContractVersion[] = [];
  const skipped: SkippedDeal[] = [];
  for (const change of accepted) {
    try {
      history = apply(history, change).after;
    } catch (error) {
      if (!(error instanceof BillingError)) throw error;
      skipped.push({ dealId: change.deal.dealId, reason: error.message });
    }
  }
  return { history, skipped };
}

/** The documents of `history` and of the first automatic renewal of its last term, dated from `from`. */
function documentsFrom(history: ContractVersion[], from: CalendarDate): ScheduledDocument[] {
  const last = history.at(-1)!;
  return scheduleDocuments(withAutomaticRenewals(history, last.term.end)).filter(
    (document) => !document.date.isBefore(from),
  );
}

/**
 * What billing would make of `deal` (billing-rules.md): a new deal on its own; a change against its
 * contract rebuilt from `accepted` (the contract's accepted deals; an earlier acceptance of the same deal
 * id is left out, so that the preview shows this version of it instead). `today` stands for the day the
 * change would be accepted. Pure; throws the engine's `BillingError` when the deal cannot apply.
 */
export function previewSchedule(
  accepted: readonly AcceptedChange[],
  deal: DealInput,
  today: CalendarDate,
): SchedulePreview {
  if (deal.kind === 'new') {
    const history = [applyDeal(undefined, deal)];
    const version = history[0]!;
    return {
      version,
      from: version.term.start,
      documents: documentsFrom(history, version.term.start),
      skipped: [],
    };
  }
  const { history, skipped } = rebuildHistory(accepted.filter((a) => a.deal.dealId !== deal.dealId));
  const { before, after } = apply(history, { deal, acceptedOn: today });
  const version = after.at(-1)!;
  const from = version.change.effectiveDate;
  return {
    version,
    from,
    documents: documentsFrom(after, from),
    withoutDeal: documentsFrom(before, from),
    skipped,
  };
}
