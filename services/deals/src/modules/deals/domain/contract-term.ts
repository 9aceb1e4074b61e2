import { addMonths, BillingError, type CalendarDate, type Period, termOf } from '@o2c/billing';

/** The terms a deal set for a contract: the new deal's, or a renewal deal's for its next term. */
export interface ContractTerm {
  readonly startDate: CalendarDate;
  readonly termMonths: number;
  readonly autoRenew: boolean;
  /** Absent means the term's own length (billing-rules.md §7). */
  readonly renewalTermMonths?: number;
}

/**
 * The term of a contract in force on `date` (billing-rules.md §1, §7): the latest-starting of the
 * terms deals set that holds `date` (a renewal deal replaces the automatic renewal), else, after the
 * last of them when it renews automatically, the automatic renewal term holding `date`, each renewal
 * anchored on its own start. Undefined when the contract does not run on `date`: before its start,
 * in a gap between terms, or after a last term that does not renew.
 */
export function termOn(terms: readonly ContractTerm[], date: CalendarDate): Period | undefined {
  const byStart = [...terms].sort((a, b) => a.startDate.compare(b.startDate));
  for (const term of [...byStart].reverse()) {
    const period = termOf(term.startDate, term.termMonths);
    if (!date.isBefore(period.start) && date.isBefore(period.end)) return period;
  }
  const last = byStart.at(-1);
  if (!last?.autoRenew) return undefined;
  let end = termOf(last.startDate, last.termMonths).end;
  if (date.isBefore(end)) return undefined;
  const months = last.renewalTermMonths ?? last.termMonths;
  for (;;) {
    const start = end;
    try {
      end = addMonths(start, months);
    } catch (error) {
      // Past 9999-12-31: no date of ours lies there.
      if (error instanceof BillingError) return undefined;
      throw error;
    }
    if (date.isBefore(end)) return { start, end };
  }
}

/** `[start, end)` as written in reasons. */
export function periodText(period: Period): string {
  return `[${period.start.toString()}, ${period.end.toString()})`;
}
