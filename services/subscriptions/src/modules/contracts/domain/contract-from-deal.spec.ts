import { type DealClosedV1 } from '@o2c/contracts';
import { NonRetryableError } from '@o2c/messaging';
import { contractFromNewDeal } from './contract-from-deal';

const seatPro = {
  sku: 'SEAT-PRO',
  version: 1,
  name: 'Pro seat',
  chargeType: 'recurring',
  defaultPricePeriod: 'year',
} as const;
const onboarding = { sku: 'ONBOARDING', version: 1, name: 'Onboarding', chargeType: 'one_time' } as const;
const basic = {
  sku: 'SEAT-BASIC',
  version: 1,
  name: 'Basic seat',
  chargeType: 'recurring',
  defaultPricePeriod: 'month',
} as const;

function deal(overrides: Partial<DealClosedV1> = {}): DealClosedV1 {
  return {
    dealId: 'D1',
    revision: 2,
    kind: 'new',
    closedAt: '2026-11-30T10:00:00Z',
    contractId: 'C1',
    account: { id: 'A1', name: 'Acme', country: 'US' },
    currency: 'USD',
    terms: {
      startDate: '2027-01-31',
      termMonths: 13,
      billingFrequency: 'monthly',
      paymentTermsDays: 14,
      autoRenew: false,
    },
    lines: [
      {
        id: 'L1',
        sku: 'SEAT-PRO',
        quantity: 5,
        unitPrice: '480.00',
        discountPercent: '12.5',
        catalog: seatPro,
      },
      { id: 'L2', sku: 'ONBOARDING', quantity: 1, unitPrice: '900.00', catalog: onboarding },
      {
        id: 'L3',
        sku: 'SEAT-BASIC',
        pricePeriod: 'year',
        segments: [
          { startDate: '2027-01-31', endDate: '2027-07-31', quantity: 3, unitPrice: '40.00' },
          { startDate: '2027-07-31', endDate: '2028-02-29', quantity: 4, unitPrice: '38.00' },
        ],
        catalog: basic,
      },
    ],
    ...overrides,
  };
}

describe(contractFromNewDeal.name, () => {
  it('makes version 1 of the contract: the term from anchored months, a charge per line, defaults resolved', () => {
    const sut = contractFromNewDeal(deal(), (lineId) => `charge-${lineId}`);
    expect(sut).toMatchObject({
      contractId: 'C1',
      accountId: 'A1',
      currency: 'USD',
      version: 1,
      status: 'active',
      // 2027-01-31 + 13 months is clamped to the end of February 2028, a leap year.
      term: {
        startDate: '2027-01-31',
        endDate: '2028-02-29',
        termMonths: 13,
        renewalTermMonths: 13,
        renewalUpliftPercent: '0',
      },
      source: { kind: 'deal', dealId: 'D1', revision: 2 },
    });
    expect(sut.charges).toEqual([
      {
        chargeId: 'charge-L1',
        dealLineId: 'L1',
        sku: 'SEAT-PRO',
        chargeType: 'recurring',
        pricePeriod: 'year',
        discountPercent: '12.5',
        catalog: seatPro,
        segments: [
          { effectiveFrom: '2027-01-31', effectiveTo: '2028-02-29', quantity: 5, unitPrice: '480.00' },
        ],
      },
      {
        chargeId: 'charge-L2',
        dealLineId: 'L2',
        sku: 'ONBOARDING',
        chargeType: 'one_time',
        discountPercent: '0',
        catalog: onboarding,
        segments: [
          { effectiveFrom: '2027-01-31', effectiveTo: '2028-02-29', quantity: 1, unitPrice: '900.00' },
        ],
      },
      {
        chargeId: 'charge-L3',
        dealLineId: 'L3',
        sku: 'SEAT-BASIC',
        chargeType: 'recurring',
        pricePeriod: 'year',
        discountPercent: '0',
        catalog: basic,
        segments: [
          { effectiveFrom: '2027-01-31', effectiveTo: '2027-07-31', quantity: 3, unitPrice: '40.00' },
          { effectiveFrom: '2027-07-31', effectiveTo: '2028-02-29', quantity: 4, unitPrice: '38.00' },
        ],
      },
    ]);
  });

  it('refuses what cannot create a contract, for good (no retry)', () => {
    expect(() =>
      contractFromNewDeal(deal({ kind: 'amendment', amends: 'D0', terms: undefined }), String),
    ).toThrow(NonRetryableError);
    const noPrice = deal({
      lines: [{ id: 'L1', sku: 'SEAT-PRO', quantity: 5, catalog: seatPro }] as DealClosedV1['lines'],
    });
    expect(() => contractFromNewDeal(noPrice, String)).toThrow(
      /lines\.0 of a new deal needs a quantity and a unitPrice/,
    );
  });
});
