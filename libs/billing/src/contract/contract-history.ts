import { addDays, CalendarDate } from '../calendar/calendar-date';
import { withAutomaticRenewals } from '../renewals/renewals';
import type { ContractVersion } from './contract';
import { applyDeal, type DealInput } from './deal-input';

/** An accepted deal of a contract and the day that places it in the contract's history. */
export interface PlacedDeal {
  readonly deal: DealInput;
  /** Its position in acceptance order, from 0. */
  readonly accepted: number;
  /** The day it takes effect, or for an end-of-term cancellation the day it was closed (see `dayOf`). */
  readonly date: CalendarDate;
}

/**
 * The day a deal takes its place in the history (billing rules §5: effective date, then acceptance): a new
 * deal's start, an amendment's `effectiveDate`, an immediate cancellation's date, a renewal's new start. An
 * end-of-term cancellation has no date of its own: it ends the term running on the day the deal closed
 * (`closedAt`, in UTC), or, when a deal accepted before it is dated later (a renewal deal for the next term),
 * on that deal's day: it never moves before a deal accepted earlier. `previous` is the latest day of the
 * deals accepted before it.
 */
function dayOf(deal: DealInput, previous: CalendarDate | undefined): CalendarDate {
  switch (deal.kind) {
    case 'new':
    case 'renewal':
      if (deal.terms !== undefined) return CalendarDate.parse(deal.terms.startDate);
      break;
    case 'amendment':
      if (deal.effectiveDate !== undefined) return CalendarDate.parse(deal.effectiveDate);
      break;
    case 'cancellation':
      if (deal.cancellation?.effective === 'immediate' && deal.cancellation.date !== undefined) {
        return CalendarDate.parse(deal.cancellation.date);
      }
      if (deal.closedAt !== undefined) {
        const closed = CalendarDate.ofInstant(new Date(deal.closedAt));
        return previous !== undefined && previous.isAfter(closed) ? previous : closed;
      }
      break;
  }
  // A deal without its date is refused by `applyDeal`; until then it keeps its place.
  return previous ?? CalendarDate.parse('0001-01-01');
}

/**
 * The deals of a contract (in the order they were accepted) in the order they apply: the new deal first,
 * then by day, deals of the same day in the order accepted (billing rules §5).
 */
export function inHistoryOrder(deals: readonly DealInput[]): PlacedDeal[] {
  let latest: CalendarDate | undefined;
  const placed = deals.map((deal, accepted) => {
    const date = dayOf(deal, latest);
    if (latest === undefined || date.isAfter(latest)) latest = date;
    return { deal, accepted, date };
  });
  const rank = (p: PlacedDeal) => (p.deal.kind === 'new' ? 0 : 1);
  return placed.sort((a, b) => rank(a) - rank(b) || a.date.compare(b.date) || a.accepted - b.accepted);
}

/**
 * The automatic renewals a deal placed on `date` finds made (billing rules §7, "renew first, then apply"):
 * every term that ended on or before its day; for a renewal deal, every term that ended before its start,
 * since it replaces the automatic renewal starting then.
 */
function renewedBefore(placed: PlacedDeal): CalendarDate {
  return placed.deal.kind === 'renewal' ? addDays(placed.date, -1) : placed.date;
}

/**
 * A contract's history, the one function intake, preview and the subscriptions service apply deals with:
 * the deals of one contract in the order they were accepted (the first is the `new` deal) become its
 * versions in effective-date order (billing rules §5), each deal applied to the contract as it stood just
 * before it in that order, the automatic renewals due by then made first (§7), and the automatic renewals
 * through `renewedThrough` after the last. Versions are numbered from 1 in that order. Pure; throws a
 * `BillingError` naming the deal and the rule when one cannot apply.
 */
export function contractHistory(
  deals: readonly DealInput[],
  renewedThrough?: CalendarDate,
): ContractVersion[] {
  let history: ContractVersion[] = [];
  for (const placed of inHistoryOrder(deals)) history = applyPlaced(history, placed);
  return renewedThrough === undefined ? history : withAutomaticRenewals(history, renewedThrough);
}

function applyPlaced(history: ContractVersion[], placed: PlacedDeal): ContractVersion[] {
  const renewed = placed.deal.kind === 'new' ? [] : withAutomaticRenewals(history, renewedBefore(placed));
  return [...renewed, applyDeal(renewed.at(-1), placed.deal)];
}

/**
 * `history` with `deal` applied after its last version (the automatic renewals due by the deal's day made
 * first), for a history whose deals are not known: the deal must not be dated before its last change.
 */
export function appendDeal(history: readonly ContractVersion[], deal: DealInput): ContractVersion[] {
  const latest = history.at(-1)?.term.start;
  return applyPlaced([...history], { deal, accepted: history.length, date: dayOf(deal, latest) });
}
