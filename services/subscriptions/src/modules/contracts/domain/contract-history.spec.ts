import { type ContractVersion } from '@o2c/billing';
import { type DealClosedV1, type SubscriptionEventData } from '@o2c/contracts';
import { newDealClosed } from '@o2c/testing';
import { acceptedDeals, historyRefs, type StoredVersion, unchangedPrefix } from './contract-history';

const dealOf = (dealId: string): DealClosedV1 =>
  newDealClosed({
    dealId,
    contractId: 'c-1',
    closedAt: '2025-12-20T16:03:00Z',
    account: { id: '001-1', name: 'Acme Inc', country: 'US' },
  });

/** A stored version with only what these functions read. */
function stored(
  version: number,
  made: { dealId?: string; deal?: DealClosedV1 | null; history?: number[] } = {},
): StoredVersion {
  return {
    version,
    eventType: 'o2c.subscription.amended.v1',
    data: {
      version,
      ...(made.history === undefined ? {} : { history: made.history }),
    } as SubscriptionEventData,
    dealId: made.dealId ?? null,
    revision: made.dealId === undefined ? null : 1,
    deal: made.deal === undefined ? (made.dealId === undefined ? null : dealOf(made.dealId)) : made.deal,
    createdAt: '2026-01-01T00:00:00.000Z',
  };
}

describe(historyRefs.name, () => {
  it('is what the latest version lists as the history', () => {
    expect(historyRefs([stored(1), stored(2), stored(3, { history: [1, 3] })])).toEqual([1, 3]);
  });

  it('is every version when the latest lists none (stored before histories were kept)', () => {
    expect(historyRefs([stored(1), stored(2)])).toEqual([1, 2]);
  });

  it('is empty for an unknown contract', () => {
    expect(historyRefs([])).toEqual([]);
  });
});

describe(acceptedDeals.name, () => {
  it('lists each deal once, in the order its first version was stored; renewals made by no deal are skipped', () => {
    const deals = acceptedDeals([
      stored(1, { dealId: '006-a' }),
      stored(2),
      stored(3, { dealId: '006-b' }),
      stored(4, { dealId: '006-a' }),
    ]);
    expect(deals?.map((deal) => deal.dealId)).toEqual(['006-a', '006-b']);
  });

  it('is undefined when a version made by a deal was stored before deals were kept', () => {
    expect(acceptedDeals([stored(1, { dealId: '006-a' }), stored(2, { dealId: '006-b', deal: null })])).toBe(
      undefined,
    );
  });
});

describe(unchangedPrefix.name, () => {
  const version = (changeId: string) => ({ change: { id: changeId } }) as unknown as ContractVersion;

  it('keeps the versions up to the first change that moved', () => {
    expect(
      unchangedPrefix(
        [version('a'), version('b'), version('c')],
        [version('a'), version('late'), version('b'), version('c')],
      ),
    ).toBe(1);
  });

  it('keeps every version when the new change comes after them all', () => {
    expect(unchangedPrefix([version('a'), version('b')], [version('a'), version('b'), version('c')])).toBe(2);
  });

  it('keeps none of a contract that has no version yet', () => {
    expect(unchangedPrefix([], [version('a')])).toBe(0);
  });
});
