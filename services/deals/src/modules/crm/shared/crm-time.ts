import { isCalendarDate } from '@o2c/contracts';
import { type CrmProblems } from '../crm.errors';

// ISO 8601 timestamps as the CRMs write them: HubSpot `2026-01-20T16:03:00.123Z`, Salesforce
// `2026-01-20T16:03:00.000+0000` (an offset without a colon, which Date.parse does not promise to read).
const TIMESTAMP =
  /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;
const EPOCH_MILLIS = /^\d{1,15}$/;

/** Milliseconds since 1970 of an ISO 8601 timestamp with an offset, or of epoch milliseconds (`"1768924980000"`). */
export function epochMillisOf(text: string): number | undefined {
  if (EPOCH_MILLIS.test(text)) return Number(text);
  const match = TIMESTAMP.exec(text);
  if (!match || !isCalendarDate(match[1])) return undefined;
  const [year = 0, month = 0, day = 0] = match[1].split('-').map(Number);
  const [hour, minute, second] = [Number(match[2]), Number(match[3]), Number(match[4])];
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const millis = Number((match[5] ?? '0').padEnd(3, '0').slice(0, 3));
  const offsetMinutes = match[6]
    ? 0
    : (match[7] === '-' ? -1 : 1) * (Number(match[8]) * 60 + Number(match[9]));
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
}

/** The epoch milliseconds of a timestamp field's `text`; a problem at `path` when it is not one. */
export function epochMillisAt(
  text: string | undefined,
  path: string,
  problems: CrmProblems,
): number | undefined {
  if (text === undefined) return undefined;
  return epochMillisOf(text) ?? problems.malformed(path, `"${text}" is not a timestamp`);
}

/** RFC 3339 in UTC, as the canonical `closedAt` is written. */
export function rfc3339(epochMillis: number): string {
  return new Date(epochMillis).toISOString();
}

/** A calendar date `YYYY-MM-DD`, also when a CRM writes a date property as midnight UTC (HubSpot may). */
export function calendarDateOf(text: string): string | undefined {
  if (isCalendarDate(text)) return text;
  const millis = epochMillisOf(text);
  if (millis === undefined || millis % 86_400_000 !== 0) return undefined;
  return new Date(millis).toISOString().slice(0, 10);
}

/** 2020-01-01T00:00:00Z: revisions count seconds from here. */
export const REVISION_EPOCH_MILLIS = Date.UTC(2020, 0, 1);
const MAX_REVISION = 2 ** 31 - 1;

/**
 * The canonical `revision` of a CRM record last modified at `epochMillis`: whole seconds since
 * 2020-01-01T00:00:00Z. It grows with every modification a second or more apart and fits the
 * PostgreSQL `integer` the deals service stores it in until 2088 (Unix seconds would overflow it
 * in 2038). Undefined before 2020-01-01T00:00:01Z or after that limit.
 */
export function revisionOf(epochMillis: number): number | undefined {
  const revision = Math.floor((epochMillis - REVISION_EPOCH_MILLIS) / 1000);
  return revision >= 1 && revision <= MAX_REVISION ? revision : undefined;
}

/**
 * The revision of a record whose latest change, of itself or a part of it, is the latest of `modified`
 * (undefined where a time is unknown); a problem at `path` when that change has no revision.
 */
export function revisionOfLatest(
  modified: readonly (number | undefined)[],
  path: string,
  problems: CrmProblems,
): number | undefined {
  const lastChange = Math.max(...modified.filter((m): m is number => m !== undefined));
  const revision = revisionOf(lastChange);
  if (Number.isFinite(lastChange) && revision === undefined) {
    problems.unmappable(
      path,
      'a record last modified before 2020-01-01T00:00:01Z or after 2088 has no revision',
    );
  }
  return revision;
}

/** Whether `text` is a real date `YYYY-MM-DD` (a check that leaves `text` a string). */
export function isDateText(text: string): boolean {
  return isCalendarDate(text);
}
