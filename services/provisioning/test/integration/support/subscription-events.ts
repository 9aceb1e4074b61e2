import { generateKeyPairSync, type KeyObject, randomUUID } from 'node:crypto';
import { type Clock } from '@o2c/clock';
import {
  type CatalogEntrySnapshotV1,
  type ContractChargeV1,
  EventTypes,
  type SubscriptionEventData,
  type SubscriptionEventType,
  Topics,
} from '@o2c/contracts';
import { createKafka, encodeEvent } from '@o2c/messaging';
import { type ServiceDefinition } from '@o2c/platform';
import { type RunningService, startServiceForTest } from '@o2c/testing';
import { ProvisioningAppModule, provisioningService } from '../../../src/app.module';
import { type ProvisioningEnv } from '../../../src/config/env.schema';

/** A clock whose date the test sets: `clock.today = '2026-03-01'`. */
export class TestClock implements Clock {
  constructor(public today: string) {}

  now(): Date {
    return new Date(`${this.today}T09:00:00.000Z`);
  }
}

/** The provisioning service on a clock of the test's. */
export function provisioningOn(clock: Clock): ServiceDefinition<ProvisioningEnv> {
  return { ...provisioningService, appModule: (env) => ProvisioningAppModule.register(env, { clock }) };
}

/** A private key as PROVISIONING_SIGNING_KEY takes it: PKCS#8 DER in base64. */
export function pkcs8Base64(key: { readonly privateKey: KeyObject }): string {
  return key.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
}

/**
 * Starts provisioning on `clock` with a consumer group of its own, a fresh Ed25519 signing key
 * `test-key`, no periodic run and no delivery polling; `overrides` change or add settings.
 */
export function startProvisioning(
  clock: Clock,
  overrides: Record<string, string> = {},
): Promise<RunningService<ProvisioningEnv>> {
  return startServiceForTest(provisioningOn(clock), {
    KAFKA_CONSUMER_GROUP: `provisioning-test-${randomUUID()}`,
    PROVISIONING_SIGNING_KEY: pkcs8Base64(generateKeyPairSync('ed25519')),
    PROVISIONING_SIGNING_KEY_ID: 'test-key',
    PROVISIONING_JOB_INTERVAL_MINUTES: '0',
    PROVISIONING_DELIVERY_POLL_MS: '0',
    ...overrides,
  });
}

// The catalog entries of deploy/catalog/catalog.v1.json.
export const catalog = {
  seatPro: {
    sku: 'SEAT-PRO',
    version: 1,
    name: 'Pro seat',
    chargeType: 'recurring',
    defaultPricePeriod: 'year',
    provisioning: { licenseProduct: 'pro', seatsPerUnit: 1, features: ['sso'] },
  },
  seatBasic: {
    sku: 'SEAT-BASIC',
    version: 1,
    name: 'Basic seat',
    chargeType: 'recurring',
    defaultPricePeriod: 'month',
    provisioning: { licenseProduct: 'basic', seatsPerUnit: 1, features: [] },
  },
  platform: {
    sku: 'PLATFORM',
    version: 1,
    name: 'Platform fee',
    chargeType: 'recurring',
    defaultPricePeriod: 'year',
    provisioning: { licenseProduct: 'platform', seatsPerUnit: 0, features: ['api', 'audit'] },
  },
  onboarding: { sku: 'ONBOARDING', version: 1, name: 'Onboarding', chargeType: 'one_time' },
} satisfies Record<string, CatalogEntrySnapshotV1>;

export function charge(
  entry: CatalogEntrySnapshotV1,
  segments: [string, string, number][],
): ContractChargeV1 {
  return {
    chargeId: `ch-${entry.sku}`,
    dealLineId: entry.sku,
    sku: entry.sku,
    chargeType: entry.chargeType,
    ...(entry.chargeType === 'recurring' ? { pricePeriod: entry.defaultPricePeriod } : {}),
    discountPercent: '0',
    catalog: entry,
    segments: segments.map(([effectiveFrom, effectiveTo, quantity]) => ({
      effectiveFrom,
      effectiveTo,
      quantity,
      unitPrice: '10.00',
    })),
  };
}

/** Version 1 of a new contract of its own account, 12 months from `startDate`. */
export function contract(
  startDate: string,
  endDate: string,
  charges: ContractChargeV1[],
): SubscriptionEventData {
  return {
    contractId: randomUUID(),
    accountId: `001-${randomUUID()}`,
    currency: 'USD',
    version: 1,
    status: 'active',
    term: {
      startDate,
      endDate,
      termMonths: 12,
      billingFrequency: 'annual',
      paymentTermsDays: 30,
      autoRenew: true,
      renewalTermMonths: 12,
      renewalUpliftPercent: '0',
    },
    source: { kind: 'deal', dealId: `006-${randomUUID()}`, revision: 1 },
    charges,
  };
}

/** Publishes subscription events as subscriptions would, on the service's own topic. */
export async function publish(
  sut: RunningService<ProvisioningEnv>,
  ...events: [SubscriptionEventType, SubscriptionEventData][]
): Promise<void> {
  const producer = createKafka({
    brokers: process.env.KAFKA_BROKERS!,
    clientId: 'o2c-provisioning-test',
  }).producer();
  await producer.connect();
  try {
    await producer.send({
      topic: sut.topic(Topics.subscriptions),
      acks: -1,
      messages: events.map(([type, data]) =>
        encodeEvent({
          id: randomUUID(),
          type,
          source: 'o2c/subscriptions',
          subject: `contract/${data.contractId}`,
          time: '2026-01-20T16:03:02.000Z',
          key: data.accountId,
          data,
        }),
      ),
    });
  } finally {
    await producer.disconnect();
  }
}

export const activated = EventTypes.subscriptionActivated;
export const amended = EventTypes.subscriptionAmended;
export const renewed = EventTypes.subscriptionRenewed;
export const cancelled = EventTypes.subscriptionCancelled;

/** Who calls: operations with the admin token, or anyone (a product) without it. */
export type Caller = 'admin' | 'anyone';

function headersOf(sut: RunningService<ProvisioningEnv>, caller: Caller, headers: Record<string, string>) {
  return caller === 'admin' ? sut.adminHeaders(headers) : headers;
}

export async function post(
  sut: RunningService<ProvisioningEnv>,
  path: string,
  body: unknown,
  caller: Caller = 'admin',
): Promise<Response> {
  return fetch(`${sut.baseUrl}${path}`, {
    method: 'POST',
    headers: headersOf(sut, caller, { 'content-type': 'application/json' }),
    body: JSON.stringify(body),
  });
}

export async function getJson<T>(
  sut: RunningService<ProvisioningEnv>,
  path: string,
  caller: Caller = 'admin',
): Promise<T> {
  const response = await fetch(`${sut.baseUrl}${path}`, { headers: headersOf(sut, caller, {}) });
  if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}
