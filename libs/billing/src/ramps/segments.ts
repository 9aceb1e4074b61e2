import type { CalendarDate } from '../calendar/calendar-date';
import type { Period } from '../calendar/period';
import type { ChargeSegment, ContractVersion, RecurringCharge } from '../contract/contract';
import { invalid } from '../contract/validation';

/**
 * Segments must be contiguous, non-empty and cover exactly `[from, to)` (billing rules §4); throws
 * `BILLING.INVALID_CHANGE` naming the gap or overlap.
 */
export function requireCoverage(
  segments: ChargeSegment[],
  from: CalendarDate,
  to: CalendarDate,
  where: string,
): void {
  if (segments.length === 0) invalid(`${where}: a ramp needs at least one segment`);
  let expected = from;
  for (const [index, segment] of segments.entries()) {
    if (!segment.start.equals(expected)) {
      const what = index === 0 ? 'the service period starts' : `segment ${index - 1} ends`;
      const problem = segment.start.isBefore(expected) ? 'overlaps' : 'leaves a gap';
      invalid(
        `${where}: segment ${index} starts on ${segment.start.toString()} but ${what} on ${expected.toString()} (it ${problem})`,
      );
    }
    if (!segment.start.isBefore(segment.end)) {
      invalid(`${where}: segment ${index} [${segment.start.toString()}, ${segment.end.toString()}) is empty`);
    }
    expected = segment.end;
  }
  if (!expected.equals(to)) {
    invalid(`${where}: the segments end on ${expected.toString()}, the service period on ${to.toString()}`);
  }
}

/** The segment of a version's recurring charge that holds `date`, if any. */
export function segmentAt(
  version: ContractVersion,
  chargeId: string,
  date: CalendarDate,
): ChargeSegment | undefined {
  const charge = version.charges.find((candidate) => candidate.id === chargeId);
  if (charge?.chargeType !== 'recurring') return undefined;
  return charge.segments.find((segment) => !date.isBefore(segment.start) && date.isBefore(segment.end));
}

/**
 * Splits a charge's segments at `date` so that one starts on it (when `date` is inside one): an amendment
 * or a cancellation changes a ramp from its effective date on.
 */
export function cutAt(segments: ChargeSegment[], date: CalendarDate): ChargeSegment[] {
  return segments.flatMap((segment) =>
    segment.start.isBefore(date) && date.isBefore(segment.end)
      ? [
          { ...segment, end: date },
          { ...segment, start: date },
        ]
      : [segment],
  );
}

/**
 * The segment boundaries of `charge` strictly inside `(from, to)` in the versions billed (§4: only segment
 * boundaries split a line). An immediate cancellation ends the service; it cuts no line into pieces.
 */
export function segmentBoundaries(
  charge: RecurringCharge,
  from: CalendarDate,
  to: CalendarDate,
  billed: readonly ContractVersion[],
): CalendarDate[] {
  const cuts = new Map<number, CalendarDate>();
  for (const version of billed) {
    if (version.status === 'cancelled') continue;
    const same = version.charges.find((candidate) => candidate.id === charge.id);
    if (same?.chargeType !== 'recurring') continue;
    for (const segment of same.segments) {
      for (const date of [segment.start, segment.end]) {
        if (date.isAfter(from) && date.isBefore(to)) cuts.set(date.epochDay, date);
      }
    }
  }
  return [...cuts.values()];
}

/** §4: `window` cut at every boundary inside it, one piece per segment; each piece keeps the window's other fields. */
export function splitAtBoundaries<W extends Period>(window: W, boundaries: readonly CalendarDate[]): W[] {
  const inside = boundaries
    .filter((date) => date.isAfter(window.start) && date.isBefore(window.end))
    .sort((a, b) => a.compare(b));
  const bounds = [window.start, ...inside, window.end];
  return bounds.slice(1).map((end, index) => ({ ...window, start: bounds[index]!, end }));
}
