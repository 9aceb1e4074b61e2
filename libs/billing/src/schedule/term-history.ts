import type { CalendarDate } from '../calendar/calendar-date';
import { daysBetween } from '../calendar/calendar-date';
import type { ContractVersion, RecurringCharge } from '../contract/contract';
import { type Piece, priceMonths } from '../proration/line-amounts';
import { segmentBoundaries, splitAtBoundaries } from '../ramps/segments';
import { billingPeriods, monthsOf, pricePeriodsOf, type ScheduledPeriod } from './billing-periods';

/** Every version of one term, in order, with what the schedule of that term needs. */
export class TermHistory {
  readonly final: ContractVersion;
  private readonly upfront: boolean;

  constructor(readonly versions: ContractVersion[]) {
    this.final = versions.at(-1)!;
    this.upfront = this.final.term.billingFrequency === 'upfront';
  }

  get term() {
    return this.final.term;
  }

  /** The periods with a regular invoice each: the billing periods, or the whole term when upfront. */
  regularPeriods(): ScheduledPeriod[] {
    const { term } = this;
    if (term.billingFrequency === 'upfront') {
      const whole = { start: term.start, end: term.end };
      const days = daysBetween(term.start, term.end);
      return [{ index: 0, ...whole, nominal: whole, days, nominalDays: days }];
    }
    return billingPeriods(term.start, term.termMonths, term.billingFrequency);
  }

  /** The version the regular invoice of a period starting on `date` bills (§5): the latest effective by then. */
  versionOn(date: CalendarDate): ContractVersion {
    let chosen = this.versions[0]!;
    for (const version of this.versions) {
      if (!version.change.effectiveDate.isAfter(date)) chosen = version;
    }
    return chosen;
  }

  /**
   * `[from, to)` of a charge cut into pieces at the segment boundaries of the versions billed (§4: only
   * segment boundaries split a line; the versions billed over `[from, to)` were all made by changes
   * effective on or before `from`, so the only boundaries inside are the ramp's), and, when upfront, into
   * the price periods anchored on the term's start; each piece knows its nominal period.
   */
  pieces(
    charge: RecurringCharge,
    from: CalendarDate,
    to: CalendarDate,
    billing: ScheduledPeriod,
    billed: readonly ContractVersion[],
  ): Piece[] {
    const boundaries = segmentBoundaries(charge, from, to, billed);
    const windows: Piece[] = this.upfront
      ? pricePeriodsOf(from, to, charge.pricePeriod, this.term.start).map((period) => ({
          start: period.start,
          end: period.end,
          nominal: period.nominal,
          periodMonths: priceMonths(charge.pricePeriod),
        }))
      : [{ start: from, end: to, nominal: billing.nominal, periodMonths: this.billingMonths() }];
    return windows.flatMap((window) => splitAtBoundaries(window, boundaries));
  }

  private billingMonths(): number {
    const frequency = this.term.billingFrequency;
    return frequency === 'upfront' ? 0 : monthsOf(frequency);
  }
}

/** A history cut into its terms: versions with the same term start belong together. */
export function groupByTerm(history: ContractVersion[]): TermHistory[] {
  const groups: ContractVersion[][] = [];
  for (const version of history) {
    const current = groups.at(-1);
    if (current !== undefined && current[0]!.term.start.equals(version.term.start)) current.push(version);
    else groups.push([version]);
  }
  return groups.map((versions) => new TermHistory(versions));
}
