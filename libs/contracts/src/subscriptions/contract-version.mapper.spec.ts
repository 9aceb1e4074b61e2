import {
  applyDeal,
  CalendarDate,
  contractHistory,
  type ContractVersion,
  type DealInput,
  scheduleDocuments,
} from '@o2c/billing';
import { Fraction } from '@o2c/money';
import { invalidPaths } from '../../test/schema-check';
import { EventTypes } from '../topics';
import {
  contractEventOf,
  contractHistoryOf,
  contractStateOf,
  contractVersionOf,
  type StoredSubscriptionEvent,
} from './contract-version.mapper';
import { SubscriptionRenewedV1 } from './subscription-renewed.v1';

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

describe('exact prices on the wire', () => {
  it('carries a price uplifted 3 % fifty times with every one of its decimals, and takes it back exactly', () => {
    const renewing: DealInput = {
      ...deals[0]!,
      terms: { ...deals[0]!.terms!, termMonths: 1, billingFrequency: 'monthly', renewalUpliftPercent: '3' },
      lines: [deals[0]!.lines[0]!],
    };
    const history = contractHistory([renewing], CalendarDate.parse('2031-03-01'));
    expect(history).toHaveLength(51);
    const last = contractEventOf(history.at(-1)!, {
      contractId: 'C1',
      accountId: 'A1',
      source: { kind: 'auto_renewal' },
      charge: (lineId) => ({ chargeId: `ch-${lineId}`, catalog }),
    });
    const price = last.data.charges[0]!.segments[0]!.unitPrice;
    // 480 × 1.03^50 = 48 × 103^50 / 10^99: 99 decimals, far past the 40 that were once the limit.
    const exact = Fraction.of(48n * 103n ** 50n, 10n ** 99n);
    expect(price.split('.')[1]).toHaveLength(99);
    expect(Fraction.parseDecimal(price).equals(exact)).toBe(true);
    expect(invalidPaths(SubscriptionRenewedV1, last.data)).toEqual([]);
    expect(throughTheWire(history).map((v) => v.charges)).toEqual(history.map((v) => v.charges));
  });
});

describe(contractHistoryOf.name, () => {
  const history = contractHistory([
    deals[0]!,
    { ...deals[1]!, dealId: 'LATE', effectiveDate: '2027-09-10', lines: [{ id: 'L1', quantity: 30 }] },
  ]);
  const event = (version: ContractVersion, number: number, refs?: number[]): StoredSubscriptionEvent => {
    const { type, data } = contractEventOf(
      { ...version, version: number },
      {
        contractId: 'C1',
        accountId: 'A1',
        source: { kind: 'deal', dealId: version.change.id, revision: 1 },
        charge: (lineId) => ({ chargeId: `ch-${lineId}`, catalog }),
      },
    );
    return { type, data: refs === undefined ? data : { ...data, history: refs } };
  };

  it('takes every version in order from events that list no history', () => {
    const sut = contractHistoryOf([event(history[0]!, 1), event(history[1]!, 2)]);
    expect(sut?.map((v) => `${v.version} ${v.change.id}`)).toEqual(['1 D1', '2 LATE']);
  });

  it('follows the history the latest event lists, and waits for the rest of a restated batch', () => {
    // EARLY (05-05) arrives after LATE (09-10): version 3 is EARLY, version 4 restates LATE.
    const restated = contractHistory([
      deals[0]!,
      { ...deals[1]!, dealId: 'LATE', effectiveDate: '2027-09-10', lines: [{ id: 'L1', quantity: 30 }] },
      { ...deals[1]!, dealId: 'EARLY', effectiveDate: '2027-05-05', lines: [{ id: 'L1', quantity: 24 }] },
    ]);
    const stored = [event(history[0]!, 1), event(history[1]!, 2), event(restated[1]!, 3, [1, 3, 4])];
    expect(contractHistoryOf(stored)).toBeUndefined();
    const sut = contractHistoryOf([...stored, event(restated[2]!, 4, [1, 3, 4])]);
    expect(sut?.map((v) => `${v.version} ${v.change.id}`)).toEqual(['1 D1', '3 EARLY', '4 LATE']);
    expect(scheduleDocuments(sut!).map((doc) => doc.key)).toEqual(
      scheduleDocuments(restated).map((doc) => doc.key),
    );
  });
});
