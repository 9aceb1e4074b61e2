import { randomUUID } from 'node:crypto';
import { type DealClosedV1, EventTypes, Topics } from '@o2c/contracts';
import { type EventRecord } from '@o2c/messaging';
import {
  dealClosedEvent,
  eventOn,
  expectAdminOnly,
  newDealClosed,
  publishEvents,
  seatProSnapshot,
  startServiceForTest,
  type RunningService,
} from '@o2c/testing';
import { subscriptionsService } from '../../src/app.module';
import { type SubscriptionsEnv } from '../../src/config/env.schema';

// The worked example of billing-rules.md §10 as a contract's life: 50 seats at 360.00 USD a year, 10 % off,
// +20 seats from 2026-06-15, renewed with a 7 % uplift on 2027-02-01, then cancelled.

let sut: RunningService<SubscriptionsEnv>;

const seatPro = seatProSnapshot;
const account = { id: `001-${randomUUID()}`, name: 'Acme Inc', country: 'US' };
const contractId = randomUUID();
const dealId = `006-${randomUUID()}`;

function deal(fields: Partial<DealClosedV1> & Pick<DealClosedV1, 'dealId' | 'kind' | 'lines'>): DealClosedV1 {
  return {
    revision: 1,
    closedAt: '2026-01-20T16:03:00Z',
    contractId,
    account,
    currency: 'USD',
    ...(fields.kind === 'new' ? {} : { amends: dealId }),
    ...fields,
  };
}

const newDeal = deal({
  dealId,
  kind: 'new',
  terms: {
    startDate: '2026-02-01',
    termMonths: 12,
    billingFrequency: 'annual',
    paymentTermsDays: 30,
    autoRenew: true,
    renewalUpliftPercent: '7',
  },
  lines: [
    { id: 'L1', sku: 'SEAT-PRO', quantity: 50, unitPrice: '360.00', discountPercent: '10', catalog: seatPro },
  ],
});

async function publish(data: DealClosedV1): Promise<void> {
  await publishEvents(sut.topic(Topics.deals), [dealClosedEvent(data)]);
}

function contractEvent(type: string, version: number, contract = contractId): Promise<EventRecord> {
  return eventOn(
    sut.topic(Topics.subscriptions),
    (event) =>
      event.type === type &&
      event.subject === `contract/${contract}` &&
      (event.data as { version: number }).version === version,
  );
}

/** Calls an operations endpoint with the admin token. */
async function post(path: string, body: unknown): Promise<Response> {
  return fetch(`${sut.baseUrl}${path}`, {
    method: 'POST',
    headers: sut.adminHeaders({ 'content-type': 'application/json' }),
    body: JSON.stringify(body),
  });
}

/** Reads an operations endpoint with the admin token. */
async function get(path: string): Promise<Response> {
  return fetch(`${sut.baseUrl}${path}`, { headers: sut.adminHeaders() });
}

beforeAll(async () => {
  sut = await startServiceForTest(subscriptionsService, {
    KAFKA_CONSUMER_GROUP: `subscriptions-test-${randomUUID()}`,
    RENEWAL_JOB_INTERVAL_MINUTES: '0',
  });
});

afterAll(async () => {
  await sut.stop();
});

describe('a contract through its life', () => {
  it('is activated by the new deal and amended by the upsell, keeping the history in segments', async () => {
    await publish(newDeal);
    await contractEvent(EventTypes.subscriptionActivated, 1);
    await publish(
      deal({
        dealId: `${dealId}-up`,
        kind: 'amendment',
        effectiveDate: '2026-06-15',
        lines: [{ id: 'L1', sku: 'SEAT-PRO', quantity: 70, catalog: seatPro }],
      } as never),
    );

    const amended = await contractEvent(EventTypes.subscriptionAmended, 2);
    expect(amended.data).toMatchObject({
      effectiveDate: '2026-06-15',
      source: { kind: 'deal', dealId: `${dealId}-up`, revision: 1 },
      account: { country: 'US' },
      charges: [
        {
          dealLineId: 'L1',
          discountPercent: '10',
          segments: [
            { effectiveFrom: '2026-02-01', effectiveTo: '2026-06-15', quantity: 50, unitPrice: '360.00' },
            { effectiveFrom: '2026-06-15', effectiveTo: '2027-02-01', quantity: 70, unitPrice: '360.00' },
          ],
        },
      ],
    });
  });

  it('shows its versions and its billing schedule to the cent, with explanations', async () => {
    const contract = (await (await get(`/v1/contracts/${contractId}`)).json()) as {
      version: number;
      versions: { version: number; eventType: string; effectiveDate?: string }[];
    };
    expect(contract.version).toBe(2);
    expect(contract.versions.map((v) => [v.version, v.eventType, v.effectiveDate])).toEqual([
      [1, EventTypes.subscriptionActivated, undefined],
      [2, EventTypes.subscriptionAmended, '2026-06-15'],
    ]);

    const schedule = (await (await get(`/v1/contracts/${contractId}/billing-schedule`)).json()) as {
      documents: {
        date: string;
        kind: string;
        total: { amountMinor: string };
        lines: { explanation: { formula: string } }[];
      }[];
    };
    expect(schedule.documents.map((d) => [d.date, d.kind, d.total.amountMinor])).toEqual([
      ['2026-02-01', 'invoice', '1620000'],
      ['2026-06-15', 'invoice', '410104'],
      ['2027-02-01', 'invoice', '2426760'],
    ]);
    expect(schedule.documents[1]!.lines[0]!.explanation.formula).toBe(
      '20 × 360.00 × (1 − 10 %) × 12/12 months × 231/365 days = 4101.041095… → 4101.04',
    );
  });

  it('renews automatically for an as-of date, once, with the uplift', async () => {
    const early = await post('/v1/admin/renewals', { asOf: '2027-01-31' });
    expect(await early.json()).toMatchObject({ renewed: 0 });

    const run = await post('/v1/admin/renewals', { asOf: '2027-02-01' });
    expect(run.status).toBe(200);
    expect(await run.json()).toEqual({
      asOf: '2027-02-01',
      renewed: 1,
      contracts: [contractId],
      failed: [],
    });
    const again = await post('/v1/admin/renewals', { asOf: '2027-02-01' });
    expect(await again.json()).toMatchObject({ renewed: 0 });

    const renewed = await contractEvent(EventTypes.subscriptionRenewed, 3);
    expect(renewed.data).toMatchObject({
      source: { kind: 'auto_renewal' },
      term: { startDate: '2027-02-01', endDate: '2028-02-01' },
      charges: [{ segments: [{ effectiveFrom: '2027-02-01', quantity: 70, unitPrice: '385.20' }] }],
    });
  });

  it('refuses a renewal run without a valid date, naming the field', async () => {
    const response = await post('/v1/admin/renewals', { asOf: '2027-02-30' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errors: [{ path: 'asOf' }] });
  });

  it('is cancelled immediately, and a later-dated amendment is kept but changes nothing (billing rules §6)', async () => {
    await publish(
      deal({
        dealId: `${dealId}-cancel`,
        kind: 'cancellation',
        cancellation: { effective: 'immediate', date: '2027-05-01' },
        lines: [],
      } as never),
    );
    const cancelled = await contractEvent(EventTypes.subscriptionCancelled, 4);
    expect(cancelled.data).toMatchObject({
      status: 'cancelled',
      endsOn: '2027-05-01',
      cancellation: { effective: 'immediate', date: '2027-05-01' },
    });

    await publish(
      deal({
        dealId: `${dealId}-late`,
        kind: 'amendment',
        effectiveDate: '2027-06-01',
        lines: [{ id: 'L1', sku: 'SEAT-PRO', quantity: 1, catalog: seatPro }],
      } as never),
    );
    const late = await contractEvent(EventTypes.subscriptionAmended, 5);
    expect(late.data).toMatchObject({
      status: 'cancelled',
      endsOn: '2027-05-01',
      effectiveDate: '2027-06-01',
      source: { kind: 'deal', dealId: `${dealId}-late` },
      history: [1, 2, 3, 4, 5],
    });
    expect((late.data as { charges: unknown }).charges).toEqual(
      (cancelled.data as { charges: unknown }).charges,
    );
  });

  it('shows contracts and runs renewals only with the admin token: they hold customer data', async () => {
    await expectAdminOnly(sut, [
      ['GET', `/v1/contracts/${contractId}`],
      ['GET', `/v1/contracts/${contractId}/billing-schedule`],
      ['GET', `/v1/contracts/${randomUUID()}`],
      ['POST', '/v1/admin/renewals', { asOf: '2031-02-01' }],
      ['POST', '/v1/admin/renewals', { asOf: 'not-a-date' }],
    ]);
    expect((await get(`/v1/contracts/${contractId}`)).status).toBe(200);
  });

  it('answers 404 problem+json for a contract it does not know', async () => {
    const response = await get(`/v1/contracts/${randomUUID()}`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await response.json()).toMatchObject({
      status: 404,
      title: 'Not Found',
      code: 'SUBSCRIPTIONS.CONTRACT_NOT_FOUND',
    });
  });
});

describe('a contract renewed by a renewal deal, then cancelled at the end of its term', () => {
  const renewedContract = randomUUID();
  const firstDeal = `006-${randomUUID()}`;
  const base = {
    revision: 1,
    closedAt: '2026-01-20T16:03:00Z',
    contractId: renewedContract,
    account,
    currency: 'USD',
  };

  it("renews with the deal's own terms and lines, from the end of the current term", async () => {
    await publish(newDealClosed({ ...base, dealId: firstDeal }));
    await contractEvent(EventTypes.subscriptionActivated, 1, renewedContract);
    await publish({
      ...base,
      dealId: `${firstDeal}-renewal`,
      kind: 'renewal',
      amends: firstDeal,
      terms: {
        startDate: '2027-01-01',
        termMonths: 24,
        billingFrequency: 'quarterly',
        paymentTermsDays: 45,
        autoRenew: true,
      },
      lines: [{ id: 'L1', sku: 'SEAT-PRO', quantity: 12, unitPrice: '95.00', catalog: seatPro }],
    });
    const renewed = await contractEvent(EventTypes.subscriptionRenewed, 2, renewedContract);
    expect(renewed.data).toMatchObject({
      source: { kind: 'deal', dealId: `${firstDeal}-renewal` },
      term: { startDate: '2027-01-01', endDate: '2029-01-01', billingFrequency: 'quarterly' },
      charges: [
        {
          segments: [
            { effectiveFrom: '2027-01-01', effectiveTo: '2029-01-01', quantity: 12, unitPrice: '95.00' },
          ],
        },
      ],
    });
  });

  it('runs to the end of its term when cancelled at the end of it, and is not renewed then', async () => {
    await publish({
      ...base,
      dealId: `${firstDeal}-cancel`,
      kind: 'cancellation',
      amends: firstDeal,
      cancellation: { effective: 'end_of_term' },
      lines: [],
    });
    const cancelled = await contractEvent(EventTypes.subscriptionCancelled, 3, renewedContract);
    expect(cancelled.data).toMatchObject({
      status: 'non_renewing',
      term: { autoRenew: false },
      cancellation: { effective: 'end_of_term', date: '2029-01-01' },
    });
    const run = (await (await post('/v1/admin/renewals', { asOf: '2029-06-01' })).json()) as {
      contracts: string[];
    };
    expect(run.contracts).not.toContain(renewedContract);
  });
});

describe('an amendment dated in the next term, before the automatic renewal ran', () => {
  const laterContract = randomUUID();
  const firstDeal = `006-${randomUUID()}`;
  const base = {
    revision: 1,
    closedAt: '2026-01-20T16:03:00Z',
    contractId: laterContract,
    account,
    currency: 'USD',
  };

  it('renews the contract first, then amends the renewed term', async () => {
    await publish(newDealClosed({ ...base, dealId: firstDeal, terms: { renewalUpliftPercent: '5' } }));
    await contractEvent(EventTypes.subscriptionActivated, 1, laterContract);
    await publish({
      ...base,
      dealId: `${firstDeal}-up`,
      kind: 'amendment',
      amends: firstDeal,
      effectiveDate: '2027-03-01',
      lines: [{ id: 'L1', sku: 'SEAT-PRO', quantity: 15, catalog: seatPro }],
    });

    const renewed = await contractEvent(EventTypes.subscriptionRenewed, 2, laterContract);
    expect(renewed.data).toMatchObject({
      source: { kind: 'auto_renewal' },
      term: { startDate: '2027-01-01', endDate: '2028-01-01' },
    });
    const amended = await contractEvent(EventTypes.subscriptionAmended, 3, laterContract);
    expect(amended.data).toMatchObject({
      effectiveDate: '2027-03-01',
      charges: [
        {
          segments: [
            { effectiveFrom: '2027-01-01', effectiveTo: '2027-03-01', quantity: 10, unitPrice: '105.00' },
            { effectiveFrom: '2027-03-01', effectiveTo: '2028-01-01', quantity: 15, unitPrice: '105.00' },
          ],
        },
      ],
    });
  });
});

describe('an amendment signed later but dated before one already applied (billing rules v1.1 §5, vector V13)', () => {
  const contract = randomUUID();
  const first = `006-${randomUUID()}`;
  const base = {
    revision: 1,
    closedAt: '2026-12-01T12:00:00Z',
    contractId: contract,
    account,
    currency: 'USD',
  };
  const amendment = (suffix: string, effectiveDate: string, quantity: number): DealClosedV1 => ({
    ...base,
    dealId: `${first}-${suffix}`,
    kind: 'amendment',
    amends: first,
    effectiveDate,
    lines: [{ id: 'L1', sku: 'SEAT-PRO', quantity, catalog: seatPro }],
  });
  const segments = (event: EventRecord) =>
    (
      event.data as { charges: { segments: { effectiveFrom: string; quantity: number }[] }[] }
    ).charges[0]!.segments.map((segment) => `${segment.effectiveFrom} ${segment.quantity}`);

  it('takes its place by date and restates the later change with an event of its own', async () => {
    await publish({
      ...base,
      dealId: first,
      kind: 'new',
      terms: {
        startDate: '2027-02-01',
        termMonths: 12,
        billingFrequency: 'annual',
        paymentTermsDays: 30,
        autoRenew: false,
      },
      lines: [{ id: 'L1', sku: 'SEAT-PRO', quantity: 20, unitPrice: '15.00', catalog: seatPro }],
    });
    await publish(amendment('ame1', '2027-09-10', 30));
    const before = await contractEvent(EventTypes.subscriptionAmended, 2, contract);
    expect(segments(before)).toEqual(['2027-02-01 20', '2027-09-10 30']);

    await publish(amendment('ame2', '2027-05-05', 24));
    const inserted = await contractEvent(EventTypes.subscriptionAmended, 3, contract);
    const restated = await contractEvent(EventTypes.subscriptionAmended, 4, contract);
    expect(inserted.data).toMatchObject({
      source: { dealId: `${first}-ame2` },
      effectiveDate: '2027-05-05',
      history: [1, 3, 4],
    });
    expect(segments(inserted)).toEqual(['2027-02-01 20', '2027-05-05 24']);
    expect(restated.data).toMatchObject({
      source: { dealId: `${first}-ame1` },
      effectiveDate: '2027-09-10',
      history: [1, 3, 4],
    });
    expect(segments(restated)).toEqual(['2027-02-01 20', '2027-05-05 24', '2027-09-10 30']);
  });
});
