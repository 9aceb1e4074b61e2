import { createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import {
  eventSchemas,
  EventTypes,
  type LicenseProvisionedV1,
  type SubscriptionActivatedV1,
  Topics,
} from '@o2c/contracts';
import { createKafka, encodeEvent, validateEventData } from '@o2c/messaging';
import { eventOn, startServiceForTest, type RunningService } from '@o2c/testing';
import { type Kafka } from 'kafkajs';
import { provisioningService } from '../../src/app.module';
import { type ProvisioningEnv } from '../../src/config/env.schema';
import { verifyLicence } from '../../src/modules/licences/domain/licence-signer';

const group = `provisioning-test-${randomUUID()}`;
const keys = generateKeyPairSync('ed25519');
let sut: RunningService<ProvisioningEnv>;
let kafka: Kafka;

function activated(): SubscriptionActivatedV1 {
  const seatPro = {
    sku: 'SEAT-PRO',
    version: 1,
    name: 'Pro seat',
    chargeType: 'recurring',
    defaultPricePeriod: 'year',
    provisioning: { licenseProduct: 'pro', seatsPerUnit: 1, features: ['sso'] },
  };
  return {
    contractId: randomUUID(),
    accountId: `001-${randomUUID()}`,
    currency: 'EUR',
    version: 1,
    status: 'active',
    term: {
      startDate: '2026-02-01',
      endDate: '2029-02-01',
      termMonths: 36,
      billingFrequency: 'annual',
      paymentTermsDays: 30,
      autoRenew: true,
      renewalTermMonths: 12,
      renewalUpliftPercent: '7',
    },
    source: { kind: 'deal', dealId: 'D1', revision: 1 },
    charges: [
      {
        chargeId: randomUUID(),
        dealLineId: 'L1',
        sku: 'SEAT-PRO',
        chargeType: 'recurring',
        pricePeriod: 'year',
        discountPercent: '10',
        catalog: seatPro,
        segments: [
          { effectiveFrom: '2026-02-01', effectiveTo: '2029-02-01', quantity: 50, unitPrice: '360.00' },
        ],
      },
    ],
  } as SubscriptionActivatedV1;
}

beforeAll(async () => {
  kafka = createKafka({ brokers: process.env.KAFKA_BROKERS!, clientId: 'o2c-provisioning-test' });
  sut = await startServiceForTest(provisioningService, {
    KAFKA_CONSUMER_GROUP: group,
    PROVISIONING_SIGNING_KEY: keys.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    PROVISIONING_SIGNING_KEY_ID: 'test-key',
  });
});

afterAll(async () => {
  await sut.stop(); // deletes the topics of its namespace, its dead-letter topics included
});

it('provisions a new contract with a licence a product verifies offline with the public key alone', async () => {
  const contract = activated();
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic: sut.topic(Topics.subscriptions),
    acks: -1,
    messages: [
      encodeEvent({
        id: randomUUID(),
        type: EventTypes.subscriptionActivated,
        source: 'o2c/subscriptions',
        subject: `contract/${contract.contractId}`,
        time: '2026-01-20T16:03:02.000Z',
        key: contract.accountId,
        data: contract,
      }),
    ],
  });
  await producer.disconnect();

  const event = await eventOn(sut.topic(Topics.licenses), (e) => e.key === contract.accountId);
  expect(event.type).toBe('o2c.license.provisioned.v1');
  const licence = validateEventData<LicenseProvisionedV1>(eventSchemas, event.type, event.data);
  expect(licence).toMatchObject({
    contractId: contract.contractId,
    accountId: contract.accountId,
    keyId: 'test-key',
    entitlements: [
      { product: 'pro', seats: 50, features: ['sso'], validFrom: '2026-02-01', validTo: '2029-02-01' },
    ],
  });
  const publicKeyOnly = createPublicKey(keys.publicKey.export({ format: 'pem', type: 'spki' }));
  expect(verifyLicence(licence.licenseKey, publicKeyOnly)).toEqual({
    licenseId: licence.licenseId,
    accountId: contract.accountId,
    contractId: contract.contractId,
    entitlements: licence.entitlements,
    issuedAt: licence.issuedAt,
  });
});
