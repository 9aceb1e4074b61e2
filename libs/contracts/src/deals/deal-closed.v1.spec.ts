import { plainToInstance } from 'class-transformer';
import { ABSENT, changed, invalidPaths } from '../../test/schema-check';
import { DealClosedV1 } from './deal-closed.v1';
import { amendment, cancellation, newDeal } from '../examples';

describe(DealClosedV1.name, () => {
  it('is published as o2c.deal.closed.v1 on o2c.deals.v1', () => {
    expect(DealClosedV1.ceType).toBe('o2c.deal.closed.v1');
    expect(DealClosedV1.topic).toBe('o2c.deals.v1');
  });

  it.each([
    ['new', newDeal()],
    ['amendment', amendment()],
    ['renewal', { ...newDeal(), kind: 'renewal', amends: '006Ax00000Q1' }],
    ['cancellation', cancellation()],
    [
      'cancellation at the end of the term',
      { ...cancellation(), cancellation: { effective: 'end_of_term' } },
    ],
  ])('accepts a valid %s deal', (_kind, data) => {
    expect(invalidPaths(DealClosedV1, data)).toEqual([]);
  });

  it('turns nested objects into instances', () => {
    const sut = plainToInstance(DealClosedV1, newDeal());
    expect(sut.lines[2]?.segments?.[1]?.unitPrice).toBe('120000.00');
    expect(sut.lines[0]?.catalog.provisioning?.features).toEqual(['sso', 'audit-log']);
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['a unit price with a letter', { 'lines.0.unitPrice': '360.0O' }, ['lines.0.unitPrice']],
    ['a unit price as a JS number', { 'lines.0.unitPrice': 360 }, ['lines.0.unitPrice']],
    ['a negative unit price', { 'lines.0.unitPrice': '-1.00' }, ['lines.0.unitPrice']],
    ['a discount above 100 %', { 'lines.0.discountPercent': '100.5' }, ['lines.0.discountPercent']],
    ['a fractional quantity', { 'lines.0.quantity': 1.5 }, ['lines.0.quantity']],
    ['a date that does not exist', { 'terms.startDate': '2026-02-29' }, ['terms.startDate']],
    ['a closedAt without offset', { closedAt: '2026-01-20T16:03:00' }, ['closedAt']],
    ['a lower-case country', { 'account.country': 'de' }, ['account.country']],
    ['an unknown currency', { currency: 'EUX' }, ['currency']],
    ['a null taxId', { 'account.taxId': null }, ['account.taxId']],
    ['an unknown billing frequency', { 'terms.billingFrequency': 'weekly' }, ['terms.billingFrequency']],
    ['an unknown property', { 'lines.0.colour': 'red' }, ['lines.0.colour']],
    ['no catalog snapshot', { 'lines.0.catalog': ABSENT }, ['lines.0.catalog']],
    [
      'a recurring catalog entry without price period',
      { 'lines.0.catalog.defaultPricePeriod': ABSENT },
      ['lines.0.catalog.defaultPricePeriod'],
    ],
    ['a price period on a one-time line', { 'lines.1.pricePeriod': 'year' }, ['lines.1.pricePeriod']],
    [
      'a segment ending before it starts',
      { 'lines.2.segments.1.endDate': '2027-01-01' },
      ['lines.2.segments.1.endDate'],
    ],
    ['a quantity beside segments', { 'lines.2.quantity': 1 }, ['lines.2.quantity']],
    [
      'a line with neither quantity, unit price nor segments',
      { 'lines.0.quantity': ABSENT, 'lines.0.unitPrice': ABSENT },
      ['lines.0.quantity', 'lines.0.unitPrice'],
    ],
    ['no lines', { lines: [] }, ['lines']],
    ['no terms', { terms: ABSENT }, ['terms']],
    ['amends on a new deal', { amends: '006Ax00000Q0' }, ['amends']],
    ['an effective date on a new deal', { effectiveDate: '2026-03-01' }, ['effectiveDate']],
  ])('refuses a new deal with %s', (_case, changes, paths) => {
    expect(invalidPaths(DealClosedV1, changed(newDeal(), changes))).toEqual(paths);
  });

  it('requires what a change names: amends and, for an amendment, its effective date', () => {
    const deal = changed(amendment(), { amends: ABSENT, effectiveDate: ABSENT });
    expect(invalidPaths(DealClosedV1, deal)).toEqual(['amends', 'effectiveDate']);
  });

  it('refuses terms on an amendment', () => {
    expect(invalidPaths(DealClosedV1, { ...amendment(), terms: newDeal().terms })).toEqual(['terms']);
  });

  it('refuses a cancellation with lines, or immediate without its date', () => {
    const deal = changed(cancellation(), { lines: newDeal().lines, 'cancellation.date': ABSENT });
    expect(invalidPaths(DealClosedV1, deal)).toEqual(['cancellation.date', 'lines']);
  });
});
