import { type SubscriptionEventData } from '@o2c/contracts';
import { type RunningService, waitForValue } from '@o2c/testing';
import { type ProvisioningEnv } from '../../src/config/env.schema';
import {
  activated,
  amended,
  catalog,
  charge,
  contract,
  getJson,
  post,
  publish,
  startProvisioning,
  TestClock,
} from './support/subscription-events';

// A contract's versions are applied once and in order, as invoicing applies them (`versionArrival` of
// @o2c/contracts): version 3 arriving before version 2 is dead-lettered at once, naming the version it waits for,
// and applied when replayed after version 2. Today is 2026-03-01: every change below is due at once.
const clock = new TestClock('2026-03-01');
let sut: RunningService<ProvisioningEnv>;

interface DeadLetter {
  id: string;
  key: string;
  error: string;
  attempts: number;
}

const v1 = contract('2026-02-01', '2027-02-01', [
  charge(catalog.seatPro, [['2026-02-01', '2027-02-01', 10]]),
]);
const { accountId, contractId } = v1;
const amendment = (version: number, seats: number): SubscriptionEventData => ({
  ...v1,
  version,
  source: { kind: 'deal', dealId: `D-${version}`, revision: 1 },
  effectiveDate: '2026-02-15',
  charges: [
    charge(catalog.seatPro, [
      ['2026-02-01', '2026-02-15', 10],
      ['2026-02-15', '2027-02-01', seats],
    ]),
  ],
});

const proSeats = async (): Promise<number | undefined> =>
  (
    await getJson<{ entitlements: { product: string; seats: number }[] }>(
      sut,
      `/v1/accounts/${accountId}/entitlements`,
    )
  ).entitlements.find((e) => e.product === 'pro')?.seats;

const seatsBecome = (seats: number) =>
  waitForValue(async () => ((await proSeats()) === seats ? true : undefined));

async function deadLetters(): Promise<DeadLetter[]> {
  const { items } = await getJson<{ items: DeadLetter[] }>(sut, '/v1/admin/dead-letters');
  return items.filter((item) => item.key === accountId);
}

beforeAll(async () => {
  sut = await startProvisioning(clock);
});

afterAll(async () => {
  await sut.stop();
});

describe('a version that arrives before the one it follows', () => {
  it('is dead-lettered at once, naming the version it waits for, and changes nothing', async () => {
    await publish(sut, [activated, v1]);
    await seatsBecome(10);
    await publish(sut, [amended, amendment(3, 30)]);
    const [letter] = await waitForValue(async () => {
      const letters = await deadLetters();
      return letters.length > 0 ? letters : undefined;
    });
    expect(letter).toMatchObject({
      attempts: 1,
      error: `NonRetryableError: contract ${contractId} version 3 arrived before version 2`,
    });
    expect(await proSeats()).toBe(10);
  });

  it('is applied when replayed once the version before it is', async () => {
    await publish(sut, [amended, amendment(2, 20)]);
    await seatsBecome(20);
    const [letter] = await deadLetters();
    const replay = await post(sut, `/v1/admin/dead-letters/${letter!.id}/replay`, {});
    expect(replay.status).toBe(200);
    await seatsBecome(30);
    expect(await deadLetters()).toEqual([]);
  });
});
