import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DealClosedV1, eventSchemas, Topics } from '@o2c/contracts';
import { validateEventData } from '@o2c/messaging';
import { startServiceForTest, type RunningService } from '@o2c/testing';
import { dealsService } from '../../src/app.module';
import { type DealsEnv } from '../../src/config/env.schema';
import { postDeal, SECRET } from './support/deal-webhook';
import { eventsWithSubjects } from './support/ops';

// Every deal of the conformance vectors (billing-rules.md), as the canonical webhook takes it: the
// vectors' `deals` are webhook deal bodies (amendment lines named by id only, cancellations without
// lines, terms without autoRenew). Read from the copy the billing library checks against the spec.

interface VectorCatalogEntry {
  chargeType: 'recurring' | 'one_time';
  pricePeriod: 'month' | 'year';
  license?: { product: string; seatsPerUnit: number; features: string[] };
}
interface VectorDeal extends Record<string, unknown> {
  id: string;
  kind: string;
}
const file = JSON.parse(
  readFileSync(join(__dirname, '../../../../libs/billing/test/billing-vectors.json'), 'utf8'),
) as {
  catalog: Record<string, VectorCatalogEntry>;
  vectors: { name: string; deals: VectorDeal[] }[];
};
const deals = file.vectors.flatMap((vector) => vector.deals.map((deal) => ({ vector: vector.name, deal })));

let sut: RunningService<DealsEnv>;

beforeAll(async () => {
  sut = await startServiceForTest(dealsService, { DEALS_WEBHOOK_SECRETS: SECRET });
});

afterAll(() => sut.stop());

describe('the conformance vectors through POST /v1/webhooks/deals', () => {
  it('run against a catalog (deploy/catalog) that has their SKUs as they describe them', async () => {
    const response = await fetch(`${sut.baseUrl}/v1/catalog`);
    const { items } = (await response.json()) as {
      items: {
        sku: string;
        chargeType: string;
        defaultPricePeriod?: string;
        provisioning?: { licenseProduct: string; seatsPerUnit: number; features: string[] };
      }[];
    };
    const served = new Map(items.map((entry) => [entry.sku, entry]));
    for (const [sku, expected] of Object.entries(file.catalog)) {
      const entry = served.get(sku);
      expect({ sku, chargeType: entry?.chargeType }).toEqual({ sku, chargeType: expected.chargeType });
      // A one-time entry has no price period in our catalog (the vectors write "month"; nothing reads it).
      if (expected.chargeType === 'recurring') {
        expect({ sku, pricePeriod: entry?.defaultPricePeriod }).toEqual({
          sku,
          pricePeriod: expected.pricePeriod,
        });
      }
      expect({ sku, licence: entry?.provisioning }).toEqual({
        sku,
        licence: expected.license && {
          licenseProduct: expected.license.product,
          seatsPerUnit: expected.license.seatsPerUnit,
          features: expected.license.features,
        },
      });
    }
  });

  it('accepts every deal of every vector, in order, each with its o2c.deal.closed.v1', async () => {
    expect(deals).toHaveLength(24);
    const replies: [string, number, string][] = [];
    for (const { deal } of deals) {
      const response = await postDeal(sut.baseUrl, { type: 'deal.closed_won', deal });
      const body = (await response.json()) as { status?: string; reasons?: string[] };
      replies.push([deal.id, response.status, body.status ?? JSON.stringify(body.reasons)]);
    }
    expect(replies).toEqual(deals.map(({ deal }) => [deal.id, 202, 'accepted']));

    const subjects = deals.map(({ deal }) => `deal/${deal.id}`);
    const events = await eventsWithSubjects(sut.topic(Topics.deals), subjects);
    const closed = new Map(
      events.map((event) => [
        event.subject,
        validateEventData<DealClosedV1>(eventSchemas, event.type, event.data),
      ]),
    );
    for (const { deal } of deals) {
      const event = closed.get(`deal/${deal.id}`)!;
      expect({ deal: deal.id, kind: event.kind, lines: event.lines.length }).toEqual({
        deal: deal.id,
        kind: deal.kind,
        lines: ((deal['lines'] as unknown[] | undefined) ?? []).length,
      });
    }
    // An amendment naming its line by id gets the SKU and catalog snapshot of the deal that introduced it.
    expect(closed.get('deal/V01-ame1')!.lines).toEqual([
      {
        id: 'L1',
        quantity: 55,
        sku: 'SEAT-PRO',
        catalog: {
          sku: 'SEAT-PRO',
          version: 1,
          name: 'Pro seat',
          chargeType: 'recurring',
          defaultPricePeriod: 'year',
          provisioning: { licenseProduct: 'pro', seatsPerUnit: 1, features: ['sso'] },
        },
      },
    ]);
    expect(closed.get('deal/V06-ame1')!.lines[0]).toMatchObject({
      id: 'L1',
      unitPrice: '54000.00',
      sku: 'PLATFORM',
    });
    expect(closed.get('deal/V05-ame1')!.lines[0]).toMatchObject({ id: 'L2', sku: 'ADDON-SSO' });
    // A cancellation without lines carries none; terms without autoRenew do not renew.
    expect(closed.get('deal/V07-can1')!.lines).toEqual([]);
    expect(closed.get('deal/V02')!.terms!.autoRenew).toBe(false);
    expect(closed.get('deal/V01')!.terms!.autoRenew).toBe(true);
  });
});
