import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** The shapes of new deals the benchmark mixes, in turn. */
export const DEAL_SHAPES = ['seats', 'ramp', 'one-time', 'monthly', 'multi-currency'] as const;
export type DealShape = (typeof DEAL_SHAPES)[number];

export interface BenchDeal {
  readonly dealId: string;
  readonly accountId: string;
  readonly shape: DealShape;
  readonly body: string;
}

/** The customers of the benchmark's and the chaos run's deals: a country, its currency, a tax id where one is due. */
export const ACCOUNTS = [
  { country: 'DE', currency: 'EUR', taxId: 'DE123456789' },
  { country: 'GB', currency: 'GBP', taxId: 'GB123456789' },
  { country: 'US', currency: 'USD' },
  { country: 'CH', currency: 'CHF', taxId: 'CHE123456789' },
  { country: 'FR', currency: 'EUR', taxId: 'FR12345678901' },
] as const;

/**
 * The `i`-th deal of a run `runId`, a new contract whose term started on `startDate` (on or before today, so
 * that its first invoice is due and its licence current at once: the benchmark waits for both).
 */
export function benchDeal(runId: string, i: number, startDate: string, closedAt: string): BenchDeal {
  const shape = DEAL_SHAPES[i % DEAL_SHAPES.length]!;
  const account = ACCOUNTS[Math.floor(i / DEAL_SHAPES.length) % ACCOUNTS.length]!;
  const dealId = `bench-${runId}-d${i}`;
  const accountId = `bench-${runId}-a${i}`;
  const seats = 5 + ((i * 37) % 200);
  const year = Number(startDate.slice(0, 4));
  const anniversary = (n: number) => `${year + n}${startDate.slice(4)}`;
  const terms = {
    startDate,
    termMonths: 36,
    billingFrequency: shape === 'monthly' ? 'monthly' : 'annual',
    paymentTermsDays: 30,
    autoRenew: i % 2 === 0,
    ...(i % 2 === 0 ? { renewalTermMonths: 12, renewalUpliftPercent: '5' } : {}),
  };
  const lines = (() => {
    switch (shape) {
      case 'seats':
        return [{ id: 'L1', sku: 'SEAT-PRO', quantity: seats, unitPrice: '360.00', discountPercent: '10' }];
      case 'ramp':
        return [
          {
            id: 'L1',
            sku: 'PLATFORM',
            pricePeriod: 'year',
            segments: [0, 1, 2].map((n) => ({
              startDate: anniversary(n),
              endDate: anniversary(n + 1),
              quantity: 1,
              unitPrice: `${100_000 + n * 20_000}.00`,
            })),
          },
          { id: 'L2', sku: 'SEAT-PRO', quantity: seats, unitPrice: '300.00' },
        ];
      case 'one-time':
        return [
          { id: 'L1', sku: 'SEAT-BASIC', quantity: seats, unitPrice: '25.00', pricePeriod: 'month' },
          { id: 'L2', sku: 'ONBOARDING', quantity: 1, unitPrice: '5000.00' },
          { id: 'L3', sku: 'TRAINING', quantity: 2, unitPrice: '1200.00' },
        ];
      case 'monthly':
        return [
          { id: 'L1', sku: 'SEAT-BASIC', quantity: seats, unitPrice: '29.00', pricePeriod: 'month' },
          { id: 'L2', sku: 'ADDON-SSO', quantity: 1, unitPrice: '99.00', pricePeriod: 'month' },
        ];
      case 'multi-currency':
        return [
          { id: 'L1', sku: 'SEAT-PRO', quantity: seats, unitPrice: '333.33', discountPercent: '12.5' },
          { id: 'L2', sku: 'PLATFORM', quantity: 1, unitPrice: '24000.00', pricePeriod: 'year' },
        ];
    }
  })();
  const deal = {
    type: 'deal.closed_won',
    deal: {
      id: dealId,
      revision: 1,
      closedAt,
      kind: 'new',
      account: {
        id: accountId,
        name: `Bench customer ${i}`,
        country: account.country,
        ...('taxId' in account ? { taxId: account.taxId } : {}),
      },
      currency: account.currency,
      terms,
      lines,
    },
  };
  return { dealId, accountId, shape, body: JSON.stringify(deal) };
}

/** A five-year ramped deal with seats, for the preview scenario. */
export function fiveYearRamp(runId: string, startDate: string, closedAt: string): string {
  const year = Number(startDate.slice(0, 4));
  const anniversary = (n: number) => `${year + n}${startDate.slice(4)}`;
  return JSON.stringify({
    type: 'deal.closed_won',
    deal: {
      id: `bench-${runId}-preview`,
      revision: 1,
      closedAt,
      kind: 'new',
      account: {
        id: `bench-${runId}-preview-account`,
        name: 'Preview GmbH',
        country: 'DE',
        taxId: 'DE123456789',
      },
      currency: 'EUR',
      terms: {
        startDate,
        termMonths: 60,
        billingFrequency: 'quarterly',
        paymentTermsDays: 30,
        autoRenew: true,
        renewalTermMonths: 12,
        renewalUpliftPercent: '7',
      },
      lines: [
        {
          id: 'L1',
          sku: 'PLATFORM',
          pricePeriod: 'year',
          segments: [0, 1, 2, 3, 4].map((n) => ({
            startDate: anniversary(n),
            endDate: anniversary(n + 1),
            quantity: 1,
            unitPrice: `${100_000 + n * 15_000}.00`,
          })),
        },
        {
          id: 'L2',
          sku: 'SEAT-PRO',
          pricePeriod: 'year',
          segments: [0, 1, 2, 3, 4].map((n) => ({
            startDate: anniversary(n),
            endDate: anniversary(n + 1),
            quantity: 50 + n * 25,
            unitPrice: '360.00',
          })),
        },
        { id: 'L3', sku: 'ONBOARDING', quantity: 1, unitPrice: '5000.00' },
      ],
    },
  });
}

/** Standard Webhooks headers for `body`, signed with `secret` (`whsec_…`) at `at`. */
export function signedHeaders(secret: string, body: string, at: Date): Record<string, string> {
  const id = `msg_${randomUUID()}`;
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, at, body),
  };
}
