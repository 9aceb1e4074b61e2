import { ABSENT, changed, invalidPaths } from '../../test/schema-check';
import { SubscriptionActivatedV1 } from './subscription-activated.v1';
import { SubscriptionAmendedV1 } from './subscription-amended.v1';
import { SubscriptionCancelledV1 } from './subscription-cancelled.v1';
import { SubscriptionRenewedV1 } from './subscription-renewed.v1';
import { activated, amended, cancelled, renewed } from '../examples';

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
