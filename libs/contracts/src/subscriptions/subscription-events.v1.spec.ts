import { ABSENT, changed, invalidPaths } from '../../test/schema-check';
import { SubscriptionActivatedV1 } from './subscription-activated.v1';
import { SubscriptionAmendedV1 } from './subscription-amended.v1';
import { SubscriptionCancelledV1 } from './subscription-cancelled.v1';
import { SubscriptionRenewedV1 } from './subscription-renewed.v1';

/** The worked example of billing-rules.md §10 after activation. */
function activated() {
  return {
    contractId: 'c-0001',
    accountId: '001Ax00000A1',
    currency: 'USD',
    version: 1,
    status: 'active',
    term: {
      startDate: '2026-02-01',
      endDate: '2027-02-01',
      termMonths: 12,
      billingFrequency: 'annual',
      paymentTermsDays: 30,
      autoRenew: true,
      renewalTermMonths: 12,
      renewalUpliftPercent: '7',
    },
    source: { kind: 'deal', dealId: '006Ax00000Q1', revision: 1 },
    charges: [
      {
        chargeId: 'ch-1',
        dealLineId: 'L1',
        sku: 'SEAT-PRO',
        chargeType: 'recurring',
        pricePeriod: 'year',
        discountPercent: '10',
        catalog: {
          sku: 'SEAT-PRO',
          version: 3,
          name: 'Pro seat',
          chargeType: 'recurring',
          defaultPricePeriod: 'year',
          provisioning: { licenseProduct: 'pro', seatsPerUnit: 1, features: ['sso'] },
        },
        segments: [
          { effectiveFrom: '2026-02-01', effectiveTo: '2027-02-01', quantity: 50, unitPrice: '360.00' },
        ],
      },
      {
        chargeId: 'ch-2',
        dealLineId: 'L2',
        sku: 'ONBOARDING',
        chargeType: 'one_time',
        discountPercent: '0',
        catalog: { sku: 'ONBOARDING', version: 1, name: 'Onboarding', chargeType: 'one_time' },
        segments: [
          { effectiveFrom: '2026-02-01', effectiveTo: '2027-02-01', quantity: 1, unitPrice: '5000.00' },
        ],
      },
    ],
  };
}

function amended() {
  return {
    ...changed(activated(), {
      version: 2,
      source: { kind: 'deal', dealId: '006Ax00000Q2', revision: 1 },
      'charges.0.segments': [
        { effectiveFrom: '2026-02-01', effectiveTo: '2026-06-15', quantity: 50, unitPrice: '360.00' },
        { effectiveFrom: '2026-06-15', effectiveTo: '2027-02-01', quantity: 70, unitPrice: '360.00' },
      ],
    }),
    effectiveDate: '2026-06-15',
  };
}

function renewed() {
  return changed(activated(), {
    version: 3,
    source: { kind: 'auto_renewal' },
    'term.startDate': '2027-02-01',
    'term.endDate': '2028-02-01',
  });
}

function cancelled() {
  return {
    ...activated(),
    version: 2,
    status: 'cancelled',
    cancellation: { effective: 'immediate', date: '2026-09-01' },
  };
}

describe('subscription events', () => {
  it.each([
    [SubscriptionActivatedV1, 'o2c.subscription.activated.v1'],
    [SubscriptionAmendedV1, 'o2c.subscription.amended.v1'],
    [SubscriptionRenewedV1, 'o2c.subscription.renewed.v1'],
    [SubscriptionCancelledV1, 'o2c.subscription.cancelled.v1'],
  ])('publishes %p as its ce_type on o2c.subscriptions.v1', (schema, ceType) => {
    expect(schema.ceType).toBe(ceType);
    expect(schema.topic).toBe('o2c.subscriptions.v1');
  });

  it.each<[string, new () => object, object]>([
    ['activated', SubscriptionActivatedV1, activated()],
    ['amended', SubscriptionAmendedV1, amended()],
    ['renewed automatically', SubscriptionRenewedV1, renewed()],
    ['cancelled', SubscriptionCancelledV1, cancelled()],
  ])('accepts a valid %s contract', (_case, schema, data) => {
    expect(invalidPaths(schema, data)).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['version 0', { version: 0 }, ['version']],
    ['an unknown status', { status: 'paused' }, ['status']],
    ['a term ending on its start', { 'term.endDate': '2026-02-01' }, ['term.endDate']],
    ['an unresolved uplift', { 'term.renewalUpliftPercent': ABSENT }, ['term.renewalUpliftPercent']],
    ['a deal source without its deal', { 'source.dealId': ABSENT }, ['source.dealId']],
    [
      'an automatic renewal naming a deal',
      { 'source.kind': 'auto_renewal' },
      ['source.dealId', 'source.revision'],
    ],
    [
      'a recurring charge without price period',
      { 'charges.0.pricePeriod': ABSENT },
      ['charges.0.pricePeriod'],
    ],
    [
      'a one-time charge with a price period',
      { 'charges.1.pricePeriod': 'month' },
      ['charges.1.pricePeriod'],
    ],
    ['a charge without segments', { 'charges.0.segments': [] }, ['charges.0.segments']],
    [
      'a segment price as a JS number',
      { 'charges.0.segments.0.unitPrice': 360 },
      ['charges.0.segments.0.unitPrice'],
    ],
    [
      'a catalog snapshot without version',
      { 'charges.0.catalog.version': ABSENT },
      ['charges.0.catalog.version'],
    ],
  ])('refuses a contract with %s', (_case, changes, paths) => {
    expect(invalidPaths(SubscriptionActivatedV1, changed(activated(), changes))).toEqual(paths);
  });

  it('requires the effective date of an amendment', () => {
    const { effectiveDate: _e, ...state } = amended();
    expect(invalidPaths(SubscriptionAmendedV1, state)).toEqual(['effectiveDate']);
  });

  it('requires the cancellation, with its date, on a cancelled contract only', () => {
    expect(invalidPaths(SubscriptionCancelledV1, activated())).toEqual(['cancellation']);
    expect(
      invalidPaths(SubscriptionCancelledV1, { ...cancelled(), cancellation: { effective: 'end_of_term' } }),
    ).toEqual(['cancellation.date']);
    expect(invalidPaths(SubscriptionActivatedV1, cancelled())).toEqual(['cancellation']);
  });
});
