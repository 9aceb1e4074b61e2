import { type DealClosedV1, type DealTermsV1, EventTypes } from '@o2c/contracts';
import { type TestEvent } from './kafka-probe';

/** The catalog snapshot of SEAT-PRO (deploy/catalog/catalog.v1.json) as deals puts it on a line. */
export const seatProSnapshot = {
  sku: 'SEAT-PRO',
  version: 1,
  name: 'Pro seat',
  chargeType: 'recurring',
  defaultPricePeriod: 'year',
} as const;

/**
 * The data of an `o2c.deal.closed.v1` of a new deal, as deals publishes it: 10 SEAT-PRO at 100.00 USD a year,
 * 12 months from 2026-01-01, billed annually, 30 days to pay, renewing automatically; `terms` changes what it names.
 */
export function newDealClosed(
  deal: Pick<DealClosedV1, 'dealId' | 'contractId' | 'account' | 'closedAt'> & {
    terms?: Partial<DealTermsV1>;
  },
): DealClosedV1 {
  return {
    revision: 1,
    kind: 'new',
    currency: 'USD',
    ...deal,
    terms: {
      startDate: '2026-01-01',
      termMonths: 12,
      billingFrequency: 'annual',
      paymentTermsDays: 30,
      autoRenew: true,
      ...deal.terms,
    },
    lines: [{ id: 'L1', sku: 'SEAT-PRO', quantity: 10, unitPrice: '100.00', catalog: seatProSnapshot }],
  };
}

/** `data` as the event deals publishes on its topic: keyed by the account, about the deal. */
export function dealClosedEvent(data: DealClosedV1): TestEvent {
  return {
    type: EventTypes.dealClosed,
    key: data.account.id,
    subject: `deal/${data.dealId}`,
    source: 'o2c/deals',
    data,
  };
}
