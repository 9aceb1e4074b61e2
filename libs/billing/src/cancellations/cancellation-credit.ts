import { differenceDocuments } from '../amendments/amendment-documents';
import type { ScheduledDocument } from '../schedule/scheduled-document';
import type { TermHistory } from '../schedule/term-history';

/**
 * §6: the documents of a cancellation (version `index` of a term). `end_of_term` bills nothing more.
 * `immediate` on `E`: a credit note dated `E` credits every recurring line's billed part of
 * `[E, end of its billing period)` (the rest of the term when upfront), prorated, at the quantity and
 * price in effect just before `E`; one-time charges are never credited.
 */
export function cancellationDocuments(history: TermHistory, index: number): ScheduledDocument[] {
  if (history.versions[index]!.status === 'non_renewing') return [];
  return differenceDocuments(history, index, 'cancellation_credit');
}
