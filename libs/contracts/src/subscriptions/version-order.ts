/**
 * Where an `o2c.subscription.*.v1` event's `version` stands against the latest version of its contract a
 * consumer has stored. Subscriptions numbers a contract's versions 1, 2, 3… with no gap and publishes them in
 * that order, keyed by the account, so they arrive in order on one partition:
 * - `stored`: at or below the latest stored, it was applied already (a redelivery): nothing to do;
 * - `next`: the one after the latest stored: apply it;
 * - `gap`: a version in between is missing (it went to the dead letters, or was never published): applying
 *   this one first would apply the contract's changes out of order, and retrying cannot bring the missing one,
 *   so the event is refused without retries (`versionGapReason`), to be replayed once the missing one is applied.
 * Invoicing and provisioning both apply this rule (each in the use case its consumer calls).
 */
export type VersionArrival = 'stored' | 'next' | 'gap';

/** `latestStored`: the latest version of the contract stored by the consumer, 0 when it has none. */
export function versionArrival(latestStored: number, version: number): VersionArrival {
  if (version <= latestStored) return 'stored';
  return version === latestStored + 1 ? 'next' : 'gap';
}

/** Why a version that arrived after a gap is refused: it names the version it waits for. */
export function versionGapReason(contractId: string, version: number, latestStored: number): string {
  return `contract ${contractId} version ${version} arrived before version ${latestStored + 1}`;
}
