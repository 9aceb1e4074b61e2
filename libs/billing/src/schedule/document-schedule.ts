import { amendmentDocuments } from '../amendments/amendment-documents';
import type { CalendarDate } from '../calendar/calendar-date';
import { cancellationDocuments } from '../cancellations/cancellation-credit';
import type { ContractVersion } from '../contract/contract';
import { oneTimeLine, recurringLine } from '../proration/line-amounts';
import { segmentAt } from '../ramps/segments';
import { document, regularKey, type ScheduledDocument, type ScheduledLine } from './scheduled-document';
import { groupByTerm, type TermHistory } from './term-history';

/**
 * §2–§4: one invoice per period start, billing the version in effect on that day; with `through`, only those up
 * to that day and the first one after it (each period's invoice depends on that period alone).
 */
function regularDocuments(history: TermHistory, through?: CalendarDate): ScheduledDocument[] {
  const documents: ScheduledDocument[] = [];
  for (const period of history.regularPeriods()) {
    const version = history.versionOn(period.start);
    const lines = version.charges.flatMap((charge): ScheduledLine[] => {
      if (charge.chargeType === 'one_time') {
        return charge.billedOn.equals(period.start) ? [oneTimeLine(charge, version.currency)] : [];
      }
      return history.pieces(charge, period.start, period.end, period, [version]).flatMap((piece) => {
        const segment = segmentAt(version, charge.id, piece.start);
        if (segment === undefined || segment.quantity === 0) return [];
        return [recurringLine(charge, piece, segment, 'regular', version.currency)];
      });
    });
    if (lines.length === 0) continue;
    documents.push(document('invoice', regularKey(period.start), period.start, version, lines));
    if (through !== undefined && period.start.isAfter(through)) break;
  }
  return documents;
}

/** The documents of a change of its own (version `index` of a term): §6 for a cancellation, else §5. */
function changeDocuments(history: TermHistory, index: number): ScheduledDocument[] {
  return history.versions[index]!.change.kind === 'cancellation'
    ? cancellationDocuments(history, index)
    : amendmentDocuments(history, index);
}

/**
 * Every invoice and credit note a contract's history calls for (billing rules §2–§7), in date order.
 * `history` is the contract's versions in the order they were made, from version 1; it holds exactly
 * the terms to bill (add automatic renewals with `withAutomaticRenewals`). Pure: the same history
 * always gives the same documents, whenever its changes arrived.
 *
 * With `through`, the regular invoices dated after that day are left out but for the first of each term: the
 * documents dated up to `through` and the first one after it are exactly those of the whole schedule, for a
 * fraction of the work when a long term is billed period by period.
 */
export function scheduleDocuments(
  history: ContractVersion[],
  options: { through?: CalendarDate } = {},
): ScheduledDocument[] {
  const documents = groupByTerm(history).flatMap((term) => [
    ...regularDocuments(term, options.through),
    ...term.versions.flatMap((_, index) => (index === 0 ? [] : changeDocuments(term, index))),
  ]);
  return documents
    .map((doc, position) => ({ doc, position }))
    .sort((a, b) => a.doc.date.compare(b.doc.date) || a.position - b.position)
    .map(({ doc }) => doc);
}
