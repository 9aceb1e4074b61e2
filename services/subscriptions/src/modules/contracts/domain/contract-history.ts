import { type ContractVersion } from '@o2c/billing';
import {
  contractHistoryOf,
  type DealClosedV1,
  type SubscriptionEventData,
  type SubscriptionEventType,
} from '@o2c/contracts';

/** One stored version: the event that announced it and its data (the contract's full state and more). */
export interface StoredVersion {
  version: number;
  eventType: SubscriptionEventType;
  data: SubscriptionEventData;
  dealId: string | null;
  revision: number | null;
  /** The deal that made the version (or that a restated version restates); null before deals were kept. */
  deal: DealClosedV1 | null;
  createdAt: string;
}

/** The contract's history as billing applies it: the versions the latest stored event lists, in that order. */
export function engineHistory(versions: StoredVersion[]): ContractVersion[] {
  const history = contractHistoryOf(
    versions.map((stored) => ({ type: stored.eventType, data: stored.data })),
  );
  if (history === undefined) throw new Error('a stored contract history lists a version that is not stored');
  return history;
}

/** The `version`s the latest stored event lists as the contract's history (every one when it lists none). */
export function historyRefs(versions: StoredVersion[]): number[] {
  const latest = versions.at(-1);
  if (latest === undefined) return [];
  return latest.data.history ?? versions.map((stored) => stored.version);
}

/**
 * The deals of a contract in the order they were accepted, as stored with the versions they made; `undefined`
 * when a version made by a deal was stored before deals were kept.
 */
export function acceptedDeals(versions: StoredVersion[]): DealClosedV1[] | undefined {
  const deals = new Map<string, DealClosedV1>();
  for (const stored of versions) {
    if (stored.dealId === null || deals.has(stored.dealId)) continue;
    if (stored.deal === null) return undefined;
    deals.set(stored.dealId, stored.deal);
  }
  return [...deals.values()];
}

/**
 * How many versions of `current` stay as they are when the history becomes `next`: those up to the first
 * change that moved (a deal dated before accepted changes takes its place among them). Every later version of
 * `next` is a new version, with an event of its own.
 */
export function unchangedPrefix(
  current: readonly ContractVersion[],
  next: readonly ContractVersion[],
): number {
  let kept = 0;
  while (kept < current.length && current[kept]!.change.id === next[kept]?.change.id) kept += 1;
  return kept;
}
