import { type ContractStateV1 } from '@o2c/contracts';
import { entitlementsOf } from './entitlements';

const pro = {
  sku: 'SEAT-PRO',
  version: 1,
  name: 'Pro seat',
  chargeType: 'recurring',
  defaultPricePeriod: 'year',
  provisioning: { licenseProduct: 'pro', seatsPerUnit: 1, features: ['sso'] },
};
const scim = {
  sku: 'ADDON-SSO',
  version: 1,
  name: 'SCIM',
  chargeType: 'recurring',
  defaultPricePeriod: 'month',
  provisioning: { licenseProduct: 'pro', seatsPerUnit: 0, features: ['scim'] },
};
const platform = {
  sku: 'PLATFORM',
  version: 1,
  name: 'Platform',
  chargeType: 'recurring',
  defaultPricePeriod: 'year',
  provisioning: { licenseProduct: 'platform', seatsPerUnit: 0, features: ['audit', 'api'] },
};
const onboarding = { sku: 'ONBOARDING', version: 1, name: 'Onboarding', chargeType: 'one_time' };

function charge(catalog: object, segments: [string, string, number][]) {
  return {
    chargeType: (catalog as { chargeType: string }).chargeType,
    catalog,
    segments: segments.map(([effectiveFrom, effectiveTo, quantity]) => ({
      effectiveFrom,
      effectiveTo,
      quantity,
      unitPrice: '1',
    })),
  };
}

describe(entitlementsOf.name, () => {
  it('sums seats and joins features per product and period; one-time charges and zero quantities grant nothing', () => {
    const contract = {
      charges: [
        charge(pro, [['2026-02-01', '2029-02-01', 50]]),
        charge(scim, [['2026-02-01', '2029-02-01', 1]]),
        charge(platform, [
          ['2026-02-01', '2027-02-01', 1],
          ['2027-02-01', '2028-02-01', 0],
        ]),
        charge(onboarding, [['2026-02-01', '2029-02-01', 1]]),
      ],
    } as unknown as ContractStateV1;
    expect(entitlementsOf(contract)).toEqual([
      {
        product: 'platform',
        seats: 0,
        features: ['api', 'audit'],
        validFrom: '2026-02-01',
        validTo: '2027-02-01',
      },
      {
        product: 'pro',
        seats: 50,
        features: ['scim', 'sso'],
        validFrom: '2026-02-01',
        validTo: '2029-02-01',
      },
    ]);
  });
});
