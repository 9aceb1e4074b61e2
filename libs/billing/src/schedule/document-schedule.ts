import { amendmentDocuments } from '../amendments/amendment-documents';
import { cancellationDocuments } from '../cancellations/cancellation-credit';
import type { ContractVersion } from '../contract/contract';
import { oneTimeLine, recurringLine } from '../proration/line-amounts';
import { segmentAt } from '../ramps/segments';
import { document, regularKey, type ScheduledDocument, type ScheduledLine } from './scheduled-document';
import { groupByTerm, type TermHistory } from './term-history';

/** §2–§4: one invoice per period start, billing the version in effect on that day. */
function regularDocuments(history: TermHistory): ScheduledDocument[] {
  return history.regularPeriods().flatMap((period) => {
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
    if (lines.length === 0) return [];
    return [document('invoice', regularKey(period.start), period.start, version, lines)];
  });
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
 */
export function scheduleDocuments(history: ContractVersion[]): ScheduledDocument[] {
  const documents = groupByTerm(history).flatMap((term) => [
    ...regularDocuments(term),
    ...term.versions.flatMap((_, index) => (index === 0 ? [] : changeDocuments(term, index))),
  ]);
  return documents
    .map((doc, position) => ({ doc, position }))
    .sort((a, b) => a.doc.date.compare(b.doc.date) || a.position - b.position)
    .map(({ doc }) => doc);
}
