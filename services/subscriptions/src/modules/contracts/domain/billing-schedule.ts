import {
  type CalendarDate,
  type ContractVersion,
  type ScheduledDocument,
  scheduleDocuments,
  withAutomaticRenewals,
} from '@o2c/billing';

/** What the contract bills in its current term and, when it renews, in the first renewal (before tax). */
export interface BillingSchedule {
  readonly currency: string;
  readonly term: { readonly start: CalendarDate; readonly end: CalendarDate };
  readonly documents: readonly ScheduledDocument[];
}

/**
 * Every document the contract's history produces from the start of its current term, through the first
 * automatic renewal when it renews (billing rules §2, §7); documents of earlier terms are left out.
 */
export function billingScheduleOf(history: ContractVersion[]): BillingSchedule {
  const current = history.at(-1);
  if (current === undefined) throw new Error('a contract has at least one version');
  const documents = scheduleDocuments(withAutomaticRenewals(history, current.term.end)).filter(
    (document) => !document.date.isBefore(current.term.start),
  );
  return { currency: current.currency, term: current.term, documents };
}
