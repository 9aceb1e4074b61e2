import {
  type CatalogEntrySnapshotV1,
  type ContractChargeV1,
  EventTypes,
  type SubscriptionEventData,
  type SubscriptionEventType,
} from '@o2c/contracts';
import {
  awaitingRenewal,
  changesBetween,
  type ContractVersionRecord,
  endedOn,
  entitlementsOn,
  nextChangeAfter,
  relevantDateOf,
} from './entitlement-timeline';

const seatPro = {
  sku: 'SEAT-PRO',
  version: 1,
  name: 'Pro seat',
  chargeType: 'recurring' as const,
  defaultPricePeriod: 'year' as const,
  provisioning: { licenseProduct: 'pro', seatsPerUnit: 1, features: ['sso'] },
};
const scim = {
  sku: 'ADDON-SSO',
  version: 1,
  name: 'SCIM',
  chargeType: 'recurring' as const,
  defaultPricePeriod: 'month' as const,
  provisioning: { licenseProduct: 'pro', seatsPerUnit: 0, features: ['scim'] },
};
const platform = {
  sku: 'PLATFORM',
  version: 1,
  name: 'Platform',
  chargeType: 'recurring' as const,
  defaultPricePeriod: 'year' as const,
  provisioning: { licenseProduct: 'platform', seatsPerUnit: 0, features: ['audit', 'api'] },
};
const teamPack = {
  sku: 'SEAT-PACK',
  version: 1,
  name: 'Five pro seats',
  chargeType: 'recurring' as const,
  defaultPricePeriod: 'year' as const,
  provisioning: { licenseProduct: 'pro', seatsPerUnit: 5, features: [] },
};
const onboarding = { sku: 'ONBOARDING', version: 1, name: 'Onboarding', chargeType: 'one_time' as const };

type Segment = [from: string, to: string, quantity: number];

function charge(catalog: CatalogEntrySnapshotV1, segments: Segment[]): ContractChargeV1 {
  return {
    chargeId: `ch-${catalog.sku}`,
    dealLineId: catalog.sku,
    sku: catalog.sku,
    chargeType: catalog.chargeType,
    ...(catalog.chargeType === 'recurring' ? { pricePeriod: 'year' as const } : {}),
    discountPercent: '0',
    catalog,
    segments: segments.map(([effectiveFrom, effectiveTo, quantity]) => ({
      effectiveFrom,
      effectiveTo,
      quantity,
      unitPrice: '1.00',
    })),
  };
}

function state(
  version: number,
  term: [start: string, end: string],
  charges: ContractChargeV1[],
  extra: Partial<SubscriptionEventData> = {},
): SubscriptionEventData {
  return {
    contractId: 'C1',
    accountId: 'A1',
    currency: 'USD',
    version,
    status: 'active',
    term: {
      startDate: term[0],
      endDate: term[1],
      termMonths: 12,
      billingFrequency: 'annual',
      paymentTermsDays: 30,
      autoRenew: true,
      renewalTermMonths: 12,
      renewalUpliftPercent: '0',
    },
    source: { kind: 'deal', dealId: `D${version}`, revision: 1 },
    charges,
    ...extra,
  };
}

function record(type: SubscriptionEventType, data: SubscriptionEventData): ContractVersionRecord {
  return {
    version: data.version,
    type,
    eventId: `e${data.version}`,
    relevantDate: relevantDateOf(type, data),
    data,
  };
}

// The worked example of billing-rules.md §10: 50 pro seats from 2026-02-01, +20 from 2026-06-15,
// renewed on 2027-02-01, cancelled immediately on 2027-05-01.
const term1: [string, string] = ['2026-02-01', '2027-02-01'];
const term2: [string, string] = ['2027-02-01', '2028-02-01'];
const activated = record(
  EventTypes.subscriptionActivated,
  state(1, term1, [
    charge(seatPro, [['2026-02-01', '2027-02-01', 50]]),
    charge(onboarding, [['2026-02-01', '2027-02-01', 1]]),
  ]),
);
const amended = record(
  EventTypes.subscriptionAmended,
  state(
    2,
    term1,
    [
      charge(seatPro, [
        ['2026-02-01', '2026-06-15', 50],
        ['2026-06-15', '2027-02-01', 70],
      ]),
    ],
    { effectiveDate: '2026-06-15' },
  ),
);
const renewed = record(
  EventTypes.subscriptionRenewed,
  state(3, term2, [charge(seatPro, [['2027-02-01', '2028-02-01', 70]])], {
    source: { kind: 'auto_renewal' },
  }),
);
const cancelled = record(
  EventTypes.subscriptionCancelled,
  state(4, term2, [charge(seatPro, [['2027-02-01', '2027-05-01', 70]])], {
    status: 'cancelled',
    term: { ...renewed.data.term, autoRenew: false },
    cancellation: { effective: 'immediate', date: '2027-05-01' },
  }),
);
const life = [activated, amended, renewed, cancelled];

describe(relevantDateOf.name, () => {
  it('is the start, the effective date, the new term or the end of service', () => {
    expect(life.map((v) => v.relevantDate)).toEqual(['2026-02-01', '2026-06-15', '2027-02-01', '2027-05-01']);
    const endOfTerm = {
      ...cancelled.data,
      cancellation: { effective: 'end_of_term' as const, date: '2028-02-01' },
    };
    expect(relevantDateOf(EventTypes.subscriptionCancelled, endOfTerm)).toBe('2028-02-01');
  });
});

describe(entitlementsOn.name, () => {
  it('grants nothing before the start', () => {
    expect(entitlementsOn(life, '2026-01-31')).toEqual([]);
  });

  it('keeps 50 seats until the amendment effective on 2026-06-15, then 70, valid to the term end', () => {
    const pro = { product: 'pro', features: ['sso'], validFrom: '2026-02-01' };
    expect(entitlementsOn(life, '2026-06-14')).toEqual([
      { ...pro, seats: 50, validTo: '2027-02-01', since: '2026-02-01' },
    ]);
    expect(entitlementsOn(life, '2026-06-15')).toEqual([
      { ...pro, seats: 70, validTo: '2027-02-01', since: '2026-06-15' },
    ]);
  });

  it('extends the validity over the renewed term from its first day, and ends it on the cancellation date', () => {
    expect(entitlementsOn(life, '2027-02-01')).toEqual([
      {
        product: 'pro',
        seats: 70,
        features: ['sso'],
        validFrom: '2026-02-01',
        validTo: '2028-02-01',
        since: '2027-02-01',
      },
    ]);
    // The cancellation is known but applies on its day only.
    expect(entitlementsOn(life, '2027-04-30')[0]?.validTo).toBe('2028-02-01');
    expect(entitlementsOn(life, '2027-05-01')).toEqual([]);
  });

  it('sums seats per product (quantity × seats per unit), joins features, and gives features-only products 0 seats', () => {
    const mixed = record(
      EventTypes.subscriptionActivated,
      state(1, term1, [
        charge(seatPro, [['2026-02-01', '2027-02-01', 50]]),
        charge(teamPack, [
          ['2026-02-01', '2026-08-01', 2],
          ['2026-08-01', '2027-02-01', 0],
        ]),
        charge(scim, [['2026-03-01', '2027-02-01', 1]]),
        charge(platform, [['2026-02-01', '2027-02-01', 1]]),
      ]),
    );
    expect(entitlementsOn([mixed], '2026-02-10')).toEqual([
      {
        product: 'platform',
        seats: 0,
        features: ['api', 'audit'],
        validFrom: '2026-02-01',
        validTo: '2027-02-01',
        since: '2026-02-01',
      },
      {
        product: 'pro',
        seats: 60,
        features: ['sso'],
        validFrom: '2026-02-01',
        validTo: '2027-02-01',
        since: '2026-02-01',
      },
    ]);
    expect(entitlementsOn([mixed], '2026-03-01')[1]).toEqual({
      product: 'pro',
      seats: 60,
      features: ['scim', 'sso'],
      validFrom: '2026-02-01',
      validTo: '2027-02-01',
      since: '2026-03-01',
    });
    expect(entitlementsOn([mixed], '2026-08-01')[1]).toMatchObject({ seats: 50, since: '2026-08-01' });
  });

  it('ends an end-of-term cancellation at the term end, not before', () => {
    const endOfTerm = record(
      EventTypes.subscriptionCancelled,
      state(2, term1, activated.data.charges, {
        status: 'non_renewing',
        cancellation: { effective: 'end_of_term', date: '2027-02-01' },
      }),
    );
    expect(entitlementsOn([activated, endOfTerm], '2027-01-31')).toMatchObject([
      { seats: 50, validTo: '2027-02-01' },
    ]);
    expect(entitlementsOn([activated, endOfTerm], '2027-02-01')).toEqual([]);
  });
});

describe(endedOn.name, () => {
  it('is the first day without the grant', () => {
    expect(endedOn(life, 'pro', '2027-06-01')).toBe('2027-05-01');
    expect(endedOn(life, 'basic', '2027-06-01')).toBe('2027-06-01');
  });
});

describe(awaitingRenewal.name, () => {
  it('holds an auto-renewing contract past its term end until the renewal arrives', () => {
    expect(awaitingRenewal([activated, amended], '2027-01-31')).toBe(false);
    expect(awaitingRenewal([activated, amended], '2027-02-01')).toBe(true);
    expect(awaitingRenewal([activated, amended, renewed], '2027-02-01')).toBe(false);
  });
});

describe(nextChangeAfter.name, () => {
  it('is the next relevant date, segment boundary or term end', () => {
    expect(nextChangeAfter(life, undefined)).toBe('2026-02-01');
    expect(nextChangeAfter(life, '2026-02-01')).toBe('2026-06-15');
    expect(nextChangeAfter(life, '2026-06-15')).toBe('2027-02-01');
    expect(nextChangeAfter(life, '2027-02-01')).toBe('2027-05-01');
    expect(nextChangeAfter(life, '2027-05-01')).toBe('2028-02-01');
    expect(nextChangeAfter(life, '2028-02-01')).toBeUndefined();
  });
});

describe(changesBetween.name, () => {
  const on = (day: string) => entitlementsOn(life, day);
  const endOf = (product: string) => endedOn(life, product, '2027-05-01');

  it('grants on the start, changes seats on the amendment date, ends on the cancellation date', () => {
    expect(changesBetween([], on('2026-02-01'), endOf)).toEqual([
      { product: 'pro', kind: 'granted', effectiveDate: '2026-02-01', after: on('2026-02-01')[0] },
    ]);
    expect(changesBetween(on('2026-06-14'), on('2026-06-15'), endOf)).toMatchObject([
      {
        product: 'pro',
        kind: 'changed',
        effectiveDate: '2026-06-15',
        before: { seats: 50 },
        after: { seats: 70 },
      },
    ]);
    expect(changesBetween(on('2027-04-30'), on('2027-05-01'), endOf)).toMatchObject([
      { product: 'pro', kind: 'ended', effectiveDate: '2027-05-01', before: { seats: 70 } },
    ]);
  });

  it('finds nothing when only the piece changed but not the grant', () => {
    expect(changesBetween(on('2026-02-01'), on('2026-06-14'), endOf)).toEqual([]);
  });
});

describe('a change that restates the history', () => {
  it('grants nothing from an automatic renewal that a cancellation dated before it voided', () => {
    // Found by the chaos run: the renewal run renewed the contract, then a cancellation dated within the first
    // term arrived; subscriptions restated the history without the renewal (history [1, 3]).
    const first = record(
      EventTypes.subscriptionActivated,
      state(1, ['2025-05-07', '2026-05-07'], [charge(seatPro, [['2025-05-07', '2026-05-07', 89]])], {
        history: [1],
      }),
    );
    const renewal = record(
      EventTypes.subscriptionRenewed,
      state(2, ['2026-05-07', '2027-05-07'], [charge(seatPro, [['2026-05-07', '2027-05-07', 89]])], {
        history: [1, 2],
        source: { kind: 'auto_renewal' },
      }),
    );
    const cancelled = record(
      EventTypes.subscriptionCancelled,
      state(3, ['2025-05-07', '2026-05-07'], [charge(seatPro, [['2025-05-07', '2026-04-07', 89]])], {
        history: [1, 3],
        status: 'cancelled',
        cancellation: { effective: 'immediate', date: '2026-04-07' },
        endsOn: '2026-04-07',
      }),
    );
    const versions = [first, renewal, cancelled];
    expect(entitlementsOn(versions, '2026-12-07')).toEqual([]);
    expect(entitlementsOn(versions, '2026-03-01')).toHaveLength(1);
    expect(awaitingRenewal(versions, '2026-12-07')).toBe(false);
    // Before the cancellation arrived, the renewal was in force.
    expect(entitlementsOn([first, renewal], '2026-12-07')).toMatchObject([{ product: 'pro', seats: 89 }]);
  });
});
