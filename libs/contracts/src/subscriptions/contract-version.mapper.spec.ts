import { applyDeal, type ContractVersion, type DealInput, scheduleDocuments } from '@o2c/billing';
import { EventTypes } from '../topics';
import { contractEventOf, contractStateOf, contractVersionOf } from './contract-version.mapper';

const catalog = {
  sku: 'X',
  version: 1,
  name: 'X',
  chargeType: 'recurring' as const,
  defaultPricePeriod: 'year' as const,
};

const deals: DealInput[] = [
  {
    dealId: 'D1',
    kind: 'new',
    currency: 'USD',
    terms: {
      startDate: '2027-01-01',
      termMonths: 12,
      billingFrequency: 'quarterly',
      paymentTermsDays: 30,
      autoRenew: true,
      renewalUpliftPercent: '6.5',
    },
    lines: [
      {
        id: 'L1',
        sku: 'SEAT-PRO',
        quantity: 10,
        unitPrice: '480.00',
        discountPercent: '12.5',
        catalog: { chargeType: 'recurring', defaultPricePeriod: 'year' },
      },
      { id: 'L2', sku: 'ONBOARDING', quantity: 1, unitPrice: '2500.00', catalog: { chargeType: 'one_time' } },
    ],
  },
  {
    dealId: 'D2',
    kind: 'amendment',
    currency: 'USD',
    effectiveDate: '2027-02-20',
    lines: [
      { id: 'L1', quantity: 12, discountPercent: '15' },
      {
        id: 'L3',
        sku: 'ADDON-SSO',
        quantity: 1,
        unitPrice: '30.00',
        catalog: { chargeType: 'recurring', defaultPricePeriod: 'month' },
      },
    ],
  },
  {
    dealId: 'D3',
    kind: 'cancellation',
    currency: 'USD',
    cancellation: { effective: 'immediate', date: '2027-05-05' },
    lines: [],
  },
];

/** Each version through its event and back, as a consumer of the subscription events sees it. */
function throughTheWire(history: ContractVersion[]): ContractVersion[] {
  return history.map((version) => {
    const event = contractEventOf(version, {
      contractId: 'C1',
      accountId: 'A1',
      source: { kind: 'deal', dealId: version.change.id, revision: 1 },
      charge: (lineId) => ({ chargeId: `ch-${lineId}`, catalog: { ...catalog, sku: lineId } }),
    });
    return contractVersionOf(event.type, event.data);
  });
}

describe(contractVersionOf.name, () => {
  const history: ContractVersion[] = [];
  for (const deal of deals) history.push(applyDeal(history.at(-1), deal));

  it('announces each change with its type and what the type adds', () => {
    const events = history.map((version) =>
      contractEventOf(version, {
        contractId: 'C1',
        accountId: 'A1',
        source: { kind: 'deal', dealId: version.change.id, revision: 1 },
        charge: (lineId) => ({ chargeId: `ch-${lineId}`, catalog }),
      }),
    );
    expect(events.map((event) => event.type)).toEqual([
      EventTypes.subscriptionActivated,
      EventTypes.subscriptionAmended,
      EventTypes.subscriptionCancelled,
    ]);
    expect(events[1]!.data.effectiveDate).toBe('2027-02-20');
    expect(events[2]!.data.cancellation).toEqual({ effective: 'immediate', date: '2027-05-05' });
  });

  it('gives back the versions the wire states were made from', () => {
    expect(throughTheWire(history)).toEqual(history);
  });

  it('keeps a discount changed by an amendment on the segment, and the original on the charge', () => {
    const state = contractStateOf(history[1]!, {
      contractId: 'C1',
      accountId: 'A1',
      source: { kind: 'deal', dealId: 'D2', revision: 1 },
      charge: (lineId) => ({ chargeId: `ch-${lineId}`, catalog }),
    });
    const l1 = state.charges.find((charge) => charge.dealLineId === 'L1')!;
    expect(l1.discountPercent).toBe('12.5');
    expect(l1.segments).toEqual([
      { effectiveFrom: '2027-01-01', effectiveTo: '2027-02-20', quantity: 10, unitPrice: '480.00' },
      {
        effectiveFrom: '2027-02-20',
        effectiveTo: '2028-01-01',
        quantity: 12,
        unitPrice: '480.00',
        discountPercent: '15',
      },
    ]);
  });

  it('schedules the same documents from the wire as from the engine', () => {
    expect(scheduleDocuments(throughTheWire(history))).toEqual(scheduleDocuments(history));
  });
});
