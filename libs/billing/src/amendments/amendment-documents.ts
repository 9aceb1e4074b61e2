import type { ChargeSegment } from '../contract/contract';
import { oneTimeLine, recurringLine } from '../proration/line-amounts';
import { segmentAt } from '../ramps/segments';
import {
  document,
  regularKey,
  type ScheduledDocument,
  type ScheduledLine,
} from '../schedule/scheduled-document';
import type { TermHistory } from '../schedule/term-history';

function samePrice(a: ChargeSegment, b: ChargeSegment): boolean {
  return a.unitPrice.equals(b.unitPrice) && a.discountPercent.equals(b.discountPercent);
}

/**
 * §5: a change effective on `E` after its period's first day is billed by documents of its own, dated
 * `E`, for `[E, end of the period)` (the rest of the term when upfront): the difference between the
 * contract after and before the change (version `index` of the term and the one before it), as invoice
 * lines (quantity up, a new line, a new price) and credit-note lines (quantity down, an old price). A
 * decrease is credited under `decreaseRule`: `quantity_decrease`, or `cancellation_credit` for §6.
 */
export function differenceDocuments(
  history: TermHistory,
  index: number,
  decreaseRule: 'quantity_decrease' | 'cancellation_credit',
): ScheduledDocument[] {
  const after = history.versions[index]!;
  const before = history.versions[index - 1]!;
  const effective = after.change.effectiveDate;
  const period = history
    .regularPeriods()
    .find((candidate) => !effective.isBefore(candidate.start) && effective.isBefore(candidate.end));
  if (period === undefined || period.start.equals(effective)) return [];
  const currency = after.currency;
  const invoiceLines: ScheduledLine[] = [];
  const creditLines: ScheduledLine[] = [];
  const ids = [...new Set([...before.charges, ...after.charges].map((charge) => charge.id))];
  for (const id of ids) {
    const charge = after.charges.find((c) => c.id === id) ?? before.charges.find((c) => c.id === id)!;
    if (charge.chargeType === 'one_time') {
      const isNew = !before.charges.some((c) => c.id === id);
      if (isNew && charge.billedOn.equals(effective)) invoiceLines.push(oneTimeLine(charge, currency));
      continue;
    }
    const isNewCharge = !before.charges.some((c) => c.id === id);
    for (const piece of history.pieces(charge, effective, period.end, period, [before, after])) {
      const old = segmentAt(before, id, piece.start);
      const now = segmentAt(after, id, piece.start);
      if (old === undefined && now === undefined) continue;
      const was = old ?? { ...now!, quantity: 0 };
      const is = now ?? { ...old!, quantity: 0 };
      if (samePrice(was, is)) {
        const delta = is.quantity - was.quantity;
        if (delta > 0) {
          const rule = isNewCharge ? 'new_charge' : 'quantity_increase';
          invoiceLines.push(recurringLine(charge, piece, { ...is, quantity: delta }, rule, currency));
        } else if (delta < 0) {
          creditLines.push(
            recurringLine(charge, piece, { ...was, quantity: -delta }, decreaseRule, currency),
          );
        }
        continue;
      }
      if (was.quantity > 0) {
        creditLines.push(recurringLine(charge, piece, was, 'price_change_credit', currency));
      }
      if (is.quantity > 0) {
        invoiceLines.push(recurringLine(charge, piece, is, 'price_change_charge', currency));
      }
    }
  }
  const documents: ScheduledDocument[] = [];
  const key = `change:${after.change.id}`;
  if (creditLines.length > 0) {
    documents.push(
      document('credit_note', `${key}:credit_note`, effective, after, creditLines, regularKey(period.start)),
    );
  }
  if (invoiceLines.length > 0) {
    documents.push(document('invoice', `${key}:invoice`, effective, after, invoiceLines));
  }
  return documents;
}

/**
 * §5: the documents of version `index` of a term made by an amendment (or any change but a cancellation):
 * the difference it makes from `E` to the end of its billing period. A change dated after an immediate
 * cancellation changes nothing, so it bills nothing (§6).
 */
export function amendmentDocuments(history: TermHistory, index: number): ScheduledDocument[] {
  return differenceDocuments(history, index, 'quantity_decrease');
}
