import {
  type EntitlementV1,
  EventTypes,
  type SubscriptionEventData,
  type SubscriptionEventType,
} from '@o2c/contracts';

// Dates here are `YYYY-MM-DD` strings of the events: their lexical order is the calendar order, and
// nothing is added to or subtracted from them, so they are compared as they come.

/** One stored `o2c.subscription.*.v1`: the contract's full state after a change, and where it came from. */
export interface ContractVersionRecord {
  readonly version: number;
  readonly type: SubscriptionEventType;
  readonly eventId: string;
  /** The day provisioning applies this version from (see `relevantDateOf`). */
  readonly relevantDate: string;
  readonly data: SubscriptionEventData;
}

/** What one contract grants for one licence product on a day, with the day it was last changed. */
export interface Entitlement extends EntitlementV1 {
  /** The first day of these seats and features (the start of the piece in force); `validFrom` is the first day of the grant. */
  readonly since: string;
}

/** A stretch `[from, to)` of one product's grant in which seats and features do not change. */
interface Piece {
  readonly from: string;
  readonly to: string;
  readonly seats: number;
  readonly features: readonly string[];
}

/**
 * The day a version takes effect for provisioning: a contract's start, a renewal's new term, an
 * amendment's effective date, a cancellation's end of service (`immediate`: its date; `end_of_term`: the
 * term's end). A version is applied on that day, never earlier.
 */
export function relevantDateOf(type: SubscriptionEventType, data: SubscriptionEventData): string {
  switch (type) {
    case EventTypes.subscriptionActivated:
    case EventTypes.subscriptionRenewed:
      return data.term.startDate;
    case EventTypes.subscriptionAmended:
      return data.effectiveDate ?? data.term.startDate;
    case EventTypes.subscriptionCancelled:
      return data.cancellation?.date ?? data.term.endDate;
  }
}

const minDate = (a: string, b: string | undefined): string => (b !== undefined && b < a ? b : a);
const sameGrant = (a: Piece, b: Piece): boolean =>
  a.seats === b.seats && a.features.join('\n') === b.features.join('\n');

/**
 * Each product's pieces in one version of a contract, cut at `until` (the start of the next term).
 * Seats are `quantity × seatsPerUnit` summed over the product's recurring charges, features their union;
 * a segment of quantity 0 grants nothing. Adjacent pieces with the same grant are one.
 */
function piecesOf(data: SubscriptionEventData, until?: string): Map<string, Piece[]> {
  const end = minDate(
    minDate(data.term.endDate, until),
    data.status === 'cancelled' ? data.cancellation?.date : undefined,
  );
  const contributions = new Map<string, Piece[]>();
  for (const charge of data.charges) {
    const grant = charge.catalog.provisioning;
    if (!grant || charge.chargeType !== 'recurring') continue;
    for (const segment of charge.segments) {
      const to = minDate(segment.effectiveTo, end);
      if (segment.quantity === 0 || segment.effectiveFrom >= to) continue;
      const list = contributions.get(grant.licenseProduct) ?? [];
      list.push({
        from: segment.effectiveFrom,
        to,
        seats: segment.quantity * grant.seatsPerUnit,
        features: grant.features,
      });
      contributions.set(grant.licenseProduct, list);
    }
  }
  const pieces = new Map<string, Piece[]>();
  for (const [product, parts] of contributions) {
    const bounds = [...new Set(parts.flatMap((p) => [p.from, p.to]))].sort();
    const merged: Piece[] = [];
    for (let i = 0; i + 1 < bounds.length; i += 1) {
      const [from, to] = [bounds[i]!, bounds[i + 1]!];
      const covering = parts.filter((p) => p.from <= from && p.to >= to);
      if (covering.length === 0) continue;
      const piece: Piece = {
        from,
        to,
        seats: covering.reduce((sum, p) => sum + p.seats, 0),
        features: [...new Set(covering.flatMap((p) => p.features))].sort(),
      };
      const last = merged.at(-1);
      if (last && last.to === from && sameGrant(last, piece)) merged[merged.length - 1] = { ...last, to };
      else merged.push(piece);
    }
    pieces.set(product, merged);
  }
  return pieces;
}

/**
 * The versions of the contract's current history: those the latest version's `history` lists (every version when
 * it has none, as in events from before it existed). A change dated before others restates them, and a version
 * it leaves out grants nothing any more: an automatic renewal voided by a cancellation dated before the renewal,
 * say (found by the chaos run: the renewal's seats stayed licensed).
 */
function currentVersions(versions: readonly ContractVersionRecord[]): readonly ContractVersionRecord[] {
  const latest = versions.reduce<ContractVersionRecord | undefined>(
    (max, v) => (max === undefined || v.version > max.version ? v : max),
    undefined,
  );
  if (latest?.data.history === undefined) return versions;
  const listed = new Set(latest.data.history);
  return versions.filter((v) => listed.has(v.version));
}

/** The versions applied on `asOf`: those of the current history whose relevant date has come, in version order. */
function versionsKnownOn(versions: readonly ContractVersionRecord[], asOf: string): ContractVersionRecord[] {
  return currentVersions(versions)
    .filter((v) => v.relevantDate <= asOf)
    .sort((a, b) => a.version - b.version);
}

/**
 * Every product's pieces across the contract's terms as known on `asOf`: each term as its latest applied
 * version says, cut where the next term starts (a renewal's state carries its own term only).
 */
function timelineOn(versions: readonly ContractVersionRecord[], asOf: string): Map<string, Piece[]> {
  const latestPerTerm = new Map<string, ContractVersionRecord>();
  for (const v of versionsKnownOn(versions, asOf)) latestPerTerm.set(v.data.term.startDate, v);
  const terms = [...latestPerTerm.entries()].sort(([a], [b]) => a.localeCompare(b));
  const timeline = new Map<string, Piece[]>();
  terms.forEach(([, version], index) => {
    for (const [product, pieces] of piecesOf(version.data, terms[index + 1]?.[0])) {
      timeline.set(product, [...(timeline.get(product) ?? []), ...pieces]);
    }
  });
  return timeline;
}

/** The version whose state is applied on `asOf` (the latest one whose day has come), if any. */
export function basisOn(
  versions: readonly ContractVersionRecord[],
  asOf: string,
): ContractVersionRecord | undefined {
  return versionsKnownOn(versions, asOf).at(-1);
}

/**
 * What the contract grants on `asOf`, one entitlement per licence product: the seats and features of the
 * piece in force, valid over the whole unbroken grant around it (`validFrom` its first day, `validTo` the
 * day it ends as known on `asOf`: a term's end, an immediate cancellation's date). Only versions whose
 * relevant date is on or before `asOf` count, so a future amendment changes nothing before its day.
 */
export function entitlementsOn(versions: readonly ContractVersionRecord[], asOf: string): Entitlement[] {
  const result: Entitlement[] = [];
  for (const [product, pieces] of timelineOn(versions, asOf)) {
    const index = pieces.findIndex((p) => p.from <= asOf && asOf < p.to);
    if (index < 0) continue;
    let first = index;
    while (first > 0 && pieces[first - 1]!.to === pieces[first]!.from) first -= 1;
    let last = index;
    while (last + 1 < pieces.length && pieces[last]!.to === pieces[last + 1]!.from) last += 1;
    const piece = pieces[index]!;
    result.push({
      product,
      seats: piece.seats,
      features: [...piece.features],
      validFrom: pieces[first]!.from,
      validTo: pieces[last]!.to,
      since: piece.from,
    });
  }
  return result.sort((a, b) => a.product.localeCompare(b.product));
}

/** The day `product`'s grant last ended on or before `asOf` (its first day without it), as known on `asOf`. */
export function endedOn(versions: readonly ContractVersionRecord[], product: string, asOf: string): string {
  const ends = (timelineOn(versions, asOf).get(product) ?? []).map((p) => p.to).filter((to) => to <= asOf);
  return ends.length === 0 ? asOf : ends.sort().at(-1)!;
}

/**
 * True when the contract applied on `asOf` is active and renews automatically but its term ended on or
 * before `asOf`: the renewal is due from subscriptions and not here yet, so its licences are kept as they
 * are rather than revoked and provisioned again minutes later.
 */
export function awaitingRenewal(versions: readonly ContractVersionRecord[], asOf: string): boolean {
  const basis = basisOn(versions, asOf);
  return (
    basis !== undefined &&
    basis.data.status === 'active' &&
    basis.data.term.autoRenew &&
    basis.data.term.endDate <= asOf
  );
}

/**
 * The first day after `after` on which what the contract grants may change: a version's relevant date,
 * a segment boundary or a term's end. The daily run looks at a contract again on that day; a day on which
 * nothing changes costs one comparison.
 */
export function nextChangeAfter(
  versions: readonly ContractVersionRecord[],
  after: string | undefined,
): string | undefined {
  const days = new Set<string>();
  for (const v of currentVersions(versions)) {
    days.add(v.relevantDate);
    days.add(v.data.term.endDate);
    for (const pieces of piecesOf(v.data).values()) {
      for (const p of pieces) days.add(p.from).add(p.to);
    }
  }
  return [...days].filter((day) => after === undefined || day > after).sort()[0];
}

export type EntitlementChangeKind = 'granted' | 'changed' | 'ended';

/** One product's entitlement before and after applying a contract on a day. */
export interface EntitlementChange {
  readonly product: string;
  readonly kind: EntitlementChangeKind;
  /** The day the change takes effect: the new piece's first day, or the first day without the grant. */
  readonly effectiveDate: string;
  readonly before?: Entitlement;
  readonly after?: Entitlement;
}

const sameEntitlement = (a: EntitlementV1, b: EntitlementV1): boolean =>
  a.seats === b.seats &&
  a.validFrom === b.validFrom &&
  a.validTo === b.validTo &&
  a.features.join('\n') === b.features.join('\n');

/** What changes, product by product, from the entitlements `before` to `after` (products in name order). */
export function changesBetween(
  before: readonly Entitlement[],
  after: readonly Entitlement[],
  endOf: (product: string) => string,
): EntitlementChange[] {
  const products = [...new Set([...before, ...after].map((e) => e.product))].sort();
  return products.flatMap((product): EntitlementChange[] => {
    const was = before.find((e) => e.product === product);
    const is = after.find((e) => e.product === product);
    if (is && !was) return [{ product, kind: 'granted', effectiveDate: is.since, after: is }];
    if (was && !is) return [{ product, kind: 'ended', effectiveDate: endOf(product), before: was }];
    if (was && is && !sameEntitlement(was, is)) {
      return [{ product, kind: 'changed', effectiveDate: is.since, before: was, after: is }];
    }
    return [];
  });
}
