import { randomUUID } from 'node:crypto';
import { type DealClosedV1, EventTypes, Topics } from '@o2c/contracts';
import {
  dealClosedEvent,
  newDealClosed,
  publishEvents,
  type RunFailureAnswer,
  runFailures,
  startServiceForTest,
  type RunningService,
  waitForValue,
} from '@o2c/testing';
import { Client } from 'pg';
import { subscriptionsService } from '../../src/app.module';
import { type SubscriptionsEnv } from '../../src/config/env.schema';

// Four auto-renewing contracts whose term ends on 2027-01-01, taken by the run in the order of their ids. The
// stored state of the second is corrupted, so that the billing engine cannot read it; the third is refused by a
// constraint when its renewal is stored, after the run began writing it. The renewal run renews the first and the
// last, sets the other two aside with their reasons, tries them again next time, and renews them once fixed.

interface RenewalRunAnswer {
  asOf: string;
  renewed: number;
  contracts: string[];
  failed: { contractId: string; error: string; code?: string; attempts: number }[];
}

let sut: RunningService<SubscriptionsEnv>;
let db: Client;
const [healthyFirst, broken, refused, healthyLast] = [1, 2, 3, 4].map(() => randomUUID()).sort() as [
  string,
  string,
  string,
  string,
];
const all = [healthyFirst, broken, refused, healthyLast];
const REFUSED = `QueryFailedError: new row for relation "contract" violates check constraint "refuses_renewal"`;
let stored: unknown;

function newDeal(contractId: string): DealClosedV1 {
  return newDealClosed({
    dealId: `006-${randomUUID()}`,
    closedAt: '2025-12-20T16:03:00Z',
    contractId,
    account: { id: `001-${randomUUID()}`, name: 'Acme Inc', country: 'US' },
  });
}

async function renewals(asOf: string): Promise<RenewalRunAnswer> {
  const response = await fetch(`${sut.baseUrl}/v1/admin/renewals`, {
    method: 'POST',
    headers: sut.adminHeaders({ 'content-type': 'application/json' }),
    body: JSON.stringify({ asOf }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as RenewalRunAnswer;
}

function failures(status: 'open' | 'resolved' = 'open'): Promise<RunFailureAnswer[]> {
  return runFailures(sut, 'renewal', status);
}

async function currentVersions(): Promise<Record<string, number>> {
  const { rows } = await db.query<{ contract_id: string; current_version: number }>(
    `SELECT contract_id, max(version) AS current_version FROM contract_version WHERE contract_id = ANY($1)
      GROUP BY contract_id ORDER BY contract_id`,
    [all],
  );
  return Object.fromEntries(rows.map((row) => [row.contract_id, row.current_version]));
}

beforeAll(async () => {
  sut = await startServiceForTest(subscriptionsService, {
    KAFKA_CONSUMER_GROUP: `subscriptions-test-${randomUUID()}`,
    RENEWAL_JOB_INTERVAL_MINUTES: '0',
  });
  db = new Client({ connectionString: sut.database.url });
  await db.connect();
  await publishEvents(
    sut.topic(Topics.deals),
    all.map((contractId) => dealClosedEvent(newDeal(contractId))),
  );
  await waitForValue(async () => (Object.keys(await currentVersions()).length === 4 ? true : undefined));
  // The engine cannot read a version without a term.
  const { rows } = await db.query<{ event_data: unknown }>(
    `SELECT event_data FROM contract_version WHERE contract_id = $1 AND version = 1`,
    [broken],
  );
  stored = rows[0]!.event_data;
  await db.query(
    `UPDATE contract_version SET event_data = jsonb_set(event_data, '{term}', 'null') WHERE contract_id = $1`,
    [broken],
  );
  await db.query(
    `ALTER TABLE contract ADD CONSTRAINT refuses_renewal CHECK (contract_id <> '${refused}' OR term_end <= '2027-01-01')`,
  );
});

afterAll(async () => {
  await db?.end();
  await sut?.stop();
});

describe('a renewal run with contracts that cannot be renewed', () => {
  it('renews the others and answers the ones it set aside, with the reasons', async () => {
    const run = await renewals('2027-01-01');
    expect(run).toMatchObject({ asOf: '2027-01-01', renewed: 2, contracts: [healthyFirst, healthyLast] });
    expect(run.failed).toHaveLength(2);
    expect(run.failed[0]).toMatchObject({ contractId: broken, attempts: 1 });
    expect(run.failed[0]!.error).toMatch(/^TypeError: Cannot read properties of null/);
    expect(run.failed[1]).toEqual({ contractId: refused, error: REFUSED, code: '23514', attempts: 1 });
    // Nothing of the refused renewal stays: its version, its event and the head row are rolled back together.
    expect(await currentVersions()).toEqual({
      [healthyFirst]: 2,
      [broken]: 1,
      [refused]: 1,
      [healthyLast]: 2,
    });
    const { rows } = await db.query<{ subject: string }>(
      `SELECT subject FROM outbox WHERE type = $1 ORDER BY subject`,
      [EventTypes.subscriptionRenewed],
    );
    expect(rows.map((row) => row.subject)).toEqual([`contract/${healthyFirst}`, `contract/${healthyLast}`]);
  });

  it('lists them for operations, behind the admin token', async () => {
    const items = await failures();
    expect(items.map((item) => item.contractId).sort()).toEqual([broken, refused]);
    const byContract = new Map(items.map((item) => [item.contractId, item]));
    expect(byContract.get(broken)).toMatchObject({
      run: 'renewal',
      itemId: broken,
      asOf: '2027-01-01',
      code: null,
      attempts: 1,
      resolvedAt: null,
    });
    expect(byContract.get(broken)!.error).toMatch(/^TypeError: Cannot read properties of null/);
    expect(byContract.get(refused)).toMatchObject({
      run: 'renewal',
      itemId: refused,
      asOf: '2027-01-01',
      error: REFUSED,
      code: '23514',
      attempts: 1,
      resolvedAt: null,
    });
    expect((await fetch(`${sut.baseUrl}/v1/admin/run-failures`)).status).toBe(401);
    const unknown = await fetch(`${sut.baseUrl}/v1/admin/run-failures?run=bill-run`, {
      headers: sut.adminHeaders(),
    });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ errors: [{ path: 'run' }] });
  });

  it('tries them again in the next run, and counts the attempts', async () => {
    const run = await renewals('2028-01-01');
    // The first and the last renew once more, for the term that ended on 2028-01-01.
    expect(run).toMatchObject({ asOf: '2028-01-01', renewed: 2, contracts: [healthyFirst, healthyLast] });
    expect(run.failed.map((failure) => [failure.contractId, failure.attempts])).toEqual([
      [broken, 2],
      [refused, 2],
    ]);
    const items = await failures();
    expect(items.map((item) => [item.contractId, item.asOf, item.attempts]).sort()).toEqual(
      [
        [broken, '2028-01-01', 2],
        [refused, '2028-01-01', 2],
      ].sort(),
    );
  });

  it('renews them once fixed, every term that ended, and resolves their failures', async () => {
    await db.query(`UPDATE contract_version SET event_data = $2 WHERE contract_id = $1`, [
      broken,
      JSON.stringify(stored),
    ]);
    await db.query(`ALTER TABLE contract DROP CONSTRAINT refuses_renewal`);
    const run = await renewals('2028-01-01');
    expect(run).toEqual({ asOf: '2028-01-01', renewed: 4, contracts: [broken, refused], failed: [] });
    expect(await currentVersions()).toEqual({
      [healthyFirst]: 3,
      [broken]: 3,
      [refused]: 3,
      [healthyLast]: 3,
    });
    expect(await failures()).toEqual([]);
    const resolved = await failures('resolved');
    expect(resolved.map((failure) => [failure.contractId, failure.attempts]).sort()).toEqual(
      [
        [broken, 2],
        [refused, 2],
      ].sort(),
    );
    expect(resolved.every((failure) => failure.resolvedAt !== null)).toBe(true);
    expect((await renewals('2028-01-01')).renewed).toBe(0);
  });
});
