import { randomUUID } from 'node:crypto';
import {
  type DealClosedV1,
  eventSchemas,
  EventTypes,
  type SubscriptionActivatedV1,
  Topics,
} from '@o2c/contracts';
import { createKafka, encodeEvent, validateEventData } from '@o2c/messaging';
import { eventOn, startServiceForTest, type RunningService, waitForValue } from '@o2c/testing';
import { type Kafka } from 'kafkajs';
import { Client } from 'pg';
import { subscriptionsService } from '../../src/app.module';
import { type SubscriptionsEnv } from '../../src/config/env.schema';

const group = `subscriptions-test-${randomUUID()}`;
let sut: RunningService<SubscriptionsEnv>;
let kafka: Kafka;
let db: Client;

function closedDeal(kind: 'new' | 'amendment'): DealClosedV1 {
  const dealId = `006-${randomUUID()}`;
  const seatPro = {
    sku: 'SEAT-PRO',
    version: 1,
    name: 'Pro seat',
    chargeType: 'recurring',
    defaultPricePeriod: 'year',
  };
  return {
    dealId,
    revision: 1,
    kind,
    closedAt: '2026-01-20T16:03:00Z',
    contractId: randomUUID(),
    account: { id: `001-${randomUUID()}`, name: 'Acme GmbH', country: 'DE' },
    currency: 'EUR',
    ...(kind === 'new'
      ? {
          terms: {
            startDate: '2026-02-01',
            termMonths: 36,
            billingFrequency: 'annual',
            paymentTermsDays: 30,
            autoRenew: true,
          },
        }
      : { amends: 'D0', effectiveDate: '2026-06-15' }),
    lines: [
      {
        id: 'L1',
        sku: 'SEAT-PRO',
        quantity: 50,
        unitPrice: '360.00',
        discountPercent: '10',
        catalog: seatPro,
      },
    ],
  } as DealClosedV1;
}

async function publish(deal: DealClosedV1): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic: sut.topic(Topics.deals),
    acks: -1,
    messages: [
      encodeEvent({
        id: randomUUID(),
        type: EventTypes.dealClosed,
        source: 'o2c/deals',
        subject: `deal/${deal.dealId}`,
        time: '2026-01-20T16:03:01.000Z',
        key: deal.account.id,
        data: deal,
      }),
    ],
  });
  await producer.disconnect();
}

beforeAll(async () => {
  kafka = createKafka({ brokers: process.env.KAFKA_BROKERS!, clientId: 'o2c-subscriptions-test' });
  sut = await startServiceForTest(subscriptionsService, { KAFKA_CONSUMER_GROUP: group });
  db = new Client({ connectionString: sut.database.url });
  await db.connect();
});

afterAll(async () => {
  await db.end();
  await sut.stop(); // deletes the topics of its namespace, its dead-letter topics included
});

describe('a closed deal becomes a contract', () => {
  it('stores version 1 of the contract from a new deal and announces it as o2c.subscription.activated.v1', async () => {
    const deal = closedDeal('new');
    await publish(deal);

    const version = await waitForValue(async () => {
      const { rows } = await db.query<{ version: number; deal_id: string }>(
        'SELECT version, deal_id FROM contract_version WHERE contract_id = $1',
        [deal.contractId],
      );
      return rows[0];
    });
    expect(version).toEqual({ version: 1, deal_id: deal.dealId });

    const event = await eventOn(
      sut.topic(Topics.subscriptions),
      (e) => e.subject === `contract/${deal.contractId}`,
    );
    expect(event).toMatchObject({
      type: 'o2c.subscription.activated.v1',
      source: 'o2c/subscriptions',
      key: deal.account.id,
    });
    const contract = validateEventData<SubscriptionActivatedV1>(eventSchemas, event.type, event.data);
    expect(contract).toMatchObject({
      contractId: deal.contractId,
      version: 1,
      status: 'active',
      term: { startDate: '2026-02-01', endDate: '2029-02-01', billingFrequency: 'annual' },
      source: { kind: 'deal', dealId: deal.dealId, revision: 1 },
    });
    expect(contract.charges[0]).toMatchObject({
      dealLineId: 'L1',
      pricePeriod: 'year',
      discountPercent: '10',
      segments: [
        { effectiveFrom: '2026-02-01', effectiveTo: '2029-02-01', quantity: 50, unitPrice: '360.00' },
      ],
    });
  });

  it('dead-letters a change of a contract it does not know, with the reason, for operations to replay later', async () => {
    const deal = closedDeal('amendment');
    await publish(deal);
    const letter = await waitForValue(async () => {
      const response = await fetch(`${sut.baseUrl}/v1/admin/dead-letters`, { headers: sut.adminHeaders() });
      const body = (await response.json()) as { items: { key: string; error: string; attempts: number }[] };
      return body.items.find((i) => i.key === deal.account.id);
    });
    expect(letter).toMatchObject({
      attempts: 1,
      error: `NonRetryableError: deal ${deal.dealId} (amendment) names contract ${deal.contractId}, which does not exist`,
    });
    expect(
      (await db.query('SELECT count(*)::int AS n FROM contract WHERE contract_id = $1', [deal.contractId]))
        .rows[0],
    ).toEqual({ n: 0 });
  });
});

describe('the contract tables', () => {
  it('store the state once, in the versions’ event data (the unread copies are dropped by a migration)', async () => {
    const { rows } = await db.query<{ column: string }>(
      `SELECT table_name || '.' || column_name AS column FROM information_schema.columns
        WHERE table_name IN ('contract', 'contract_version') AND column_name IN ('state', 'current_version', 'event_data')
        ORDER BY 1`,
    );
    expect(rows.map((row) => row.column)).toEqual(['contract_version.event_data']);
  });
});
