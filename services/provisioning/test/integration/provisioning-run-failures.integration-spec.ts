import { randomUUID } from 'node:crypto';
import { EventTypes, type SubscriptionEventData, type SubscriptionEventType } from '@o2c/contracts';
import { type RunFailureAnswer, runFailures, type RunningService, waitForValue } from '@o2c/testing';
import { Client } from 'pg';
import { type ProvisioningEnv } from '../../src/config/env.schema';
import {
  activated,
  catalog,
  charge,
  contract,
  post,
  publish,
  startProvisioning,
  TestClock,
} from './support/subscription-events';

// Today is 2026-03-01 for the service. Four contracts of 12 basic seats start on 2026-04-01, so the run for that
// date provisions them, in the order of their ids. In the database, the stored version of the second lost its
// term, so that its entitlements cannot be worked out; that of the third grants 3,000,000,000 seats, more than
// the entitlement table holds, which fails once its licence and event are written. The run provisions the first
// and the last, sets the other two aside with their reasons, tries them again next time, and provisions them once
// fixed.

interface ProvisioningRunAnswer {
  asOf: string;
  contracts: string[];
  provisioned: number;
  updated: number;
  revoked: number;
  failed: { contractId: string; error: string; code?: string; attempts: number }[];
}

const clock = new TestClock('2026-03-01');
let sut: RunningService<ProvisioningEnv>;
let db: Client;
const [first, broken, overflowing, last] = [1, 2, 3, 4].map(() => randomUUID()).sort() as [
  string,
  string,
  string,
  string,
];
const all = [first, broken, overflowing, last];
const stored = new Map<string, unknown>();

async function run(asOf: string): Promise<ProvisioningRunAnswer> {
  const response = await post(sut, '/v1/admin/provisioning-runs', { asOf });
  expect(response.status).toBe(200);
  return (await response.json()) as ProvisioningRunAnswer;
}

function failures(status: 'open' | 'resolved' = 'open'): Promise<RunFailureAnswer[]> {
  return runFailures(sut, 'provisioning', status);
}

/** The contracts with an active licence, by contract id. */
async function licensed(): Promise<string[]> {
  const { rows } = await db.query<{ contract_id: string }>(
    `SELECT contract_id FROM licence WHERE contract_id = ANY($1) AND status = 'active' ORDER BY contract_id`,
    [all],
  );
  return rows.map((row) => row.contract_id);
}

beforeAll(async () => {
  sut = await startProvisioning(clock);
  db = new Client({ connectionString: sut.database.url });
  await db.connect();
  await publish(
    sut,
    ...all.map((contractId): [SubscriptionEventType, SubscriptionEventData] => [
      activated,
      {
        ...contract('2026-04-01', '2027-04-01', [
          charge(catalog.seatBasic, [['2026-04-01', '2027-04-01', 12]]),
        ]),
        contractId,
      },
    ]),
  );
  await waitForValue(async () => {
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM contract WHERE contract_id = ANY($1) AND next_change_on = '2026-04-01'`,
      [all],
    );
    return rows[0]!.n === 4 ? true : undefined;
  });
  for (const contractId of [broken, overflowing]) {
    const { rows } = await db.query<{ data: unknown }>(
      `SELECT data FROM contract_version WHERE contract_id = $1`,
      [contractId],
    );
    stored.set(contractId, rows[0]!.data);
  }
  await db.query(
    `UPDATE contract_version SET data = jsonb_set(data, '{term}', 'null') WHERE contract_id = $1`,
    [broken],
  );
  await db.query(
    `UPDATE contract_version SET data = jsonb_set(data, '{charges,0,segments,0,quantity}', '3000000000')
      WHERE contract_id = $1`,
    [overflowing],
  );
});

afterAll(async () => {
  await db?.end();
  await sut?.stop();
});

describe('a provisioning run with contracts that cannot be provisioned', () => {
  it('provisions the others and answers the ones it set aside, with the reasons', async () => {
    const answer = await run('2026-04-01');
    expect(answer).toMatchObject({
      asOf: '2026-04-01',
      contracts: [first, last],
      provisioned: 2,
      updated: 0,
      revoked: 0,
    });
    expect(answer.failed).toHaveLength(2);
    expect(answer.failed[0]).toMatchObject({ contractId: broken, attempts: 1 });
    expect(answer.failed[0]!.error).toMatch(/^TypeError: Cannot read properties of null/);
    expect(answer.failed[1]).toEqual({
      contractId: overflowing,
      error: 'QueryFailedError: value "3000000000" is out of range for type integer',
      code: '22003',
      attempts: 1,
    });
    // Nothing of the overflowing contract stays: its licence and its event are rolled back with it.
    expect(await licensed()).toEqual([first, last]);
    const { rows } = await db.query<{ contract_id: string }>(
      `SELECT data->>'contractId' AS contract_id FROM outbox WHERE type = $1 ORDER BY 1`,
      [EventTypes.licenseProvisioned],
    );
    expect(rows.map((row) => row.contract_id)).toEqual([first, last]);
  });

  it('lists them for operations', async () => {
    const items = await failures();
    expect(items.map((item) => item.contractId).sort()).toEqual([broken, overflowing].sort());
    const byContract = new Map(items.map((item) => [item.contractId, item]));
    expect(byContract.get(broken)).toMatchObject({
      run: 'provisioning',
      itemId: broken,
      asOf: '2026-04-01',
      code: null,
      attempts: 1,
      resolvedAt: null,
    });
    expect(byContract.get(broken)!.error).toMatch(/^TypeError: Cannot read properties of null/);
    expect(byContract.get(overflowing)).toMatchObject({
      run: 'provisioning',
      itemId: overflowing,
      asOf: '2026-04-01',
      code: '22003',
      attempts: 1,
      resolvedAt: null,
    });
  });

  it('tries them again in the next run, and counts the attempts', async () => {
    const answer = await run('2026-04-01');
    expect(answer).toMatchObject({ contracts: [], provisioned: 0 });
    expect(answer.failed.map((failure) => [failure.contractId, failure.attempts])).toEqual([
      [broken, 2],
      [overflowing, 2],
    ]);
    expect((await failures()).map((failure) => failure.attempts)).toEqual([2, 2]);
  });

  it('provisions them once fixed, and resolves their failures', async () => {
    for (const [contractId, data] of stored) {
      await db.query(`UPDATE contract_version SET data = $2 WHERE contract_id = $1`, [
        contractId,
        JSON.stringify(data),
      ]);
    }
    expect(await run('2026-04-01')).toEqual({
      asOf: '2026-04-01',
      contracts: [broken, overflowing],
      provisioned: 2,
      updated: 0,
      revoked: 0,
      failed: [],
    });
    expect(await licensed()).toEqual(all);
    expect(await failures()).toEqual([]);
    const resolved = await failures('resolved');
    expect(
      resolved.map((failure) => [failure.contractId, failure.attempts, failure.resolvedAt]).sort(),
    ).toEqual(
      [
        [broken, 2, '2026-03-01T09:00:00.000Z'],
        [overflowing, 2, '2026-03-01T09:00:00.000Z'],
      ].sort(),
    );
    expect(await run('2026-04-01')).toMatchObject({ contracts: [], failed: [] });
  });
});

describe('a provisioning run whose whole batches fail', () => {
  // More than a batch (50): a run that took the failed ones again would never finish.
  const failing = Array.from({ length: 55 }, () => randomUUID()).sort();

  it('finishes, with every contract set aside once per run', async () => {
    await publish(
      sut,
      ...failing.map((contractId): [SubscriptionEventType, SubscriptionEventData] => [
        activated,
        {
          ...contract('2026-05-01', '2027-05-01', [
            charge(catalog.seatBasic, [['2026-05-01', '2027-05-01', 1]]),
          ]),
          contractId,
        },
      ]),
    );
    await waitForValue(async () => {
      const { rows } = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM contract_version WHERE contract_id = ANY($1)`,
        [failing],
      );
      return rows[0]!.n === failing.length ? true : undefined;
    });
    await db.query(
      `UPDATE contract_version SET data = jsonb_set(data, '{term}', 'null') WHERE contract_id = ANY($1)`,
      [failing],
    );

    const first = await run('2026-05-01');
    expect(first.contracts).toEqual([]);
    expect(first.failed.map((failure) => failure.contractId)).toEqual(failing);
    expect(new Set(first.failed.map((failure) => failure.attempts))).toEqual(new Set([1]));
    const second = await run('2026-05-01');
    expect(second.failed.map((failure) => failure.contractId)).toEqual(failing);
    expect(new Set(second.failed.map((failure) => failure.attempts))).toEqual(new Set([2]));
    expect(await failures()).toHaveLength(55);
  });
});
