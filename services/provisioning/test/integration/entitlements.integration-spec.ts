import { createPublicKey, verify } from 'node:crypto';
import {
  eventSchemas,
  EventTypes,
  type LicenseRevokedV1,
  type LicenseStateV1,
  type SubscriptionEventData,
  Topics,
} from '@o2c/contracts';
import { type EventRecord, validateEventData } from '@o2c/messaging';
import { eventOn, expectAdminOnly, type RunningService, waitForValue } from '@o2c/testing';
import { type ProvisioningEnv } from '../../src/config/env.schema';
import {
  activated,
  amended,
  cancelled,
  catalog,
  charge,
  contract,
  getJson,
  post,
  publish,
  renewed,
  startProvisioning,
  TestClock,
} from './support/subscription-events';

// Today is 2026-03-01 for the service; the provisioning runs move a contract through its life.
const clock = new TestClock('2026-03-01');
let sut: RunningService<ProvisioningEnv>;

interface Entitlements {
  entitlements: {
    contractId: string;
    licenseId?: string;
    product: string;
    seats: number;
    features: string[];
    validFrom: string;
    validTo: string;
    since: string;
  }[];
}
interface History {
  items: {
    product: string;
    kind: string;
    effectiveDate: string;
    appliedAsOf: string;
    event: { type: string; contractVersion: number };
    licenceEvent: string;
  }[];
}

function licenceEvent(
  type: string,
  accountId: string,
  matches: (data: Record<string, unknown>) => boolean = () => true,
): Promise<EventRecord> {
  return eventOn(
    sut.topic(Topics.licenses),
    (e) => e.type === type && e.key === accountId && matches(e.data as Record<string, unknown>),
  );
}

const entitlementsOf = (accountId: string, query = '') =>
  getJson<Entitlements>(sut, `/v1/accounts/${accountId}/entitlements${query}`);

async function run(
  asOf: string,
): Promise<{ asOf: string; contracts: string[]; provisioned: number; updated: number; revoked: number }> {
  const response = await post(sut, '/v1/admin/provisioning-runs', { asOf });
  expect(response.status).toBe(200);
  return (await response.json()) as never;
}

beforeAll(async () => {
  sut = await startProvisioning(clock);
});

afterAll(async () => {
  await sut.stop();
});

describe('a contract through its life (billing-rules.md §10: 50 pro seats, +20 from 2026-06-15)', () => {
  const v1 = contract('2026-02-01', '2027-02-01', [
    charge(catalog.seatPro, [['2026-02-01', '2027-02-01', 50]]),
    charge(catalog.platform, [['2026-02-01', '2027-02-01', 1]]),
    charge(catalog.onboarding, [['2026-02-01', '2027-02-01', 1]]),
  ]);
  const { accountId, contractId } = v1;
  let licenseId: string;

  it('provisions a licence as the contract is activated, that the JWKS public key alone verifies', async () => {
    await publish(sut, [activated, v1]);
    const event = await licenceEvent(EventTypes.licenseProvisioned, accountId);
    const licence = validateEventData<LicenseStateV1>(eventSchemas, event.type, event.data);
    licenseId = licence.licenseId;
    expect(licence).toMatchObject({
      accountId,
      contractId,
      keyId: 'test-key',
      issuedAt: '2026-03-01T09:00:00.000Z',
      entitlements: [
        {
          product: 'platform',
          seats: 0,
          features: ['api', 'audit'],
          validFrom: '2026-02-01',
          validTo: '2027-02-01',
        },
        { product: 'pro', seats: 50, features: ['sso'], validFrom: '2026-02-01', validTo: '2027-02-01' },
      ],
    });

    const { keys } = await getJson<{ keys: { kid: string; kty: string; crv: string; x: string }[] }>(
      sut,
      '/.well-known/jwks.json',
    );
    const jwk = keys.find((k) => k.kid === 'test-key')!;
    const publicKey = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, format: 'jwk' });
    const [header, payload, signature] = licence.licenseKey.split('.');
    expect(
      verify(null, Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature!, 'base64url')),
    ).toBe(true);
    expect(JSON.parse(Buffer.from(payload!, 'base64url').toString())).toEqual({
      licenseId,
      accountId,
      contractId,
      entitlements: licence.entitlements,
      issuedAt: '2026-03-01T09:00:00.000Z',
    });

    expect((await entitlementsOf(accountId)).entitlements).toEqual([
      {
        contractId,
        licenseId,
        product: 'platform',
        seats: 0,
        features: ['api', 'audit'],
        validFrom: '2026-02-01',
        validTo: '2027-02-01',
        since: '2026-02-01',
      },
      {
        contractId,
        licenseId,
        product: 'pro',
        seats: 50,
        features: ['sso'],
        validFrom: '2026-02-01',
        validTo: '2027-02-01',
        since: '2026-02-01',
      },
    ]);
  });

  it('changes the seats on the amendment date, by the run for that date, once', async () => {
    const v2: SubscriptionEventData = {
      ...v1,
      version: 2,
      source: { kind: 'deal', dealId: 'D-up', revision: 1 },
      effectiveDate: '2026-06-15',
      charges: [
        charge(catalog.seatPro, [
          ['2026-02-01', '2026-06-15', 50],
          ['2026-06-15', '2027-02-01', 70],
        ]),
        ...v1.charges.slice(1),
      ],
    };
    await publish(sut, [amended, v2]);
    // Known at once (what the contract grants on the date) but not provisioned before it.
    await waitForValue(async () =>
      (await entitlementsOf(accountId, '?asOf=2026-06-15')).entitlements.find(
        (e) => e.product === 'pro' && e.seats === 70,
      ),
    );
    expect((await entitlementsOf(accountId)).entitlements.map((e) => [e.product, e.seats])).toEqual([
      ['platform', 0],
      ['pro', 50],
    ]);

    expect(await run('2026-06-14')).toEqual({
      asOf: '2026-06-14',
      contracts: [],
      provisioned: 0,
      updated: 0,
      revoked: 0,
      failed: [],
    });
    expect(await run('2026-06-15')).toEqual({
      asOf: '2026-06-15',
      contracts: [contractId],
      provisioned: 0,
      updated: 1,
      revoked: 0,
      failed: [],
    });
    expect(await run('2026-06-15')).toEqual({
      asOf: '2026-06-15',
      contracts: [],
      provisioned: 0,
      updated: 0,
      revoked: 0,
      failed: [],
    });

    const event = await licenceEvent(EventTypes.licenseUpdated, accountId);
    expect(event.data).toMatchObject({
      licenseId,
      entitlements: [
        { product: 'platform', seats: 0 },
        { product: 'pro', seats: 70, validFrom: '2026-02-01', validTo: '2027-02-01' },
      ],
    });
    expect((await entitlementsOf(accountId)).entitlements[1]).toMatchObject({
      product: 'pro',
      seats: 70,
      since: '2026-06-15',
    });
  });

  it('revokes the licence on the day of an immediate cancellation', async () => {
    const v3: SubscriptionEventData = {
      ...v1,
      version: 3,
      status: 'cancelled',
      term: { ...v1.term, autoRenew: false },
      source: { kind: 'deal', dealId: 'D-cancel', revision: 1 },
      cancellation: { effective: 'immediate', date: '2026-09-01' },
      charges: [
        charge(catalog.seatPro, [
          ['2026-02-01', '2026-06-15', 50],
          ['2026-06-15', '2026-09-01', 70],
        ]),
        charge(catalog.platform, [['2026-02-01', '2026-09-01', 1]]),
        v1.charges[2]!,
      ],
    };
    await publish(sut, [cancelled, v3]);
    await waitForValue(async () =>
      (await entitlementsOf(accountId, '?asOf=2026-09-01')).entitlements.length === 0 ? true : undefined,
    );
    expect(await run('2026-08-31')).toMatchObject({ contracts: [] });
    expect(await run('2026-09-01')).toEqual({
      asOf: '2026-09-01',
      contracts: [contractId],
      provisioned: 0,
      updated: 0,
      revoked: 1,
      failed: [],
    });

    const event = await licenceEvent(EventTypes.licenseRevoked, accountId);
    expect(validateEventData<LicenseRevokedV1>(eventSchemas, event.type, event.data)).toEqual({
      licenseId,
      accountId,
      contractId,
      keyId: 'test-key',
      reason: 'contract_cancelled',
      effectiveDate: '2026-09-01',
      revokedAt: '2026-03-01T09:00:00.000Z',
    });
    expect((await entitlementsOf(accountId)).entitlements).toEqual([]);
  });

  it('keeps every change with its event and effective date', async () => {
    const { items } = await getJson<History>(sut, `/v1/accounts/${accountId}/entitlements/history`);
    expect(
      items.map((c) => [
        c.product,
        c.kind,
        c.effectiveDate,
        c.appliedAsOf,
        c.event.type,
        c.event.contractVersion,
        c.licenceEvent,
      ]),
    ).toEqual([
      ['platform', 'granted', '2026-02-01', '2026-03-01', activated, 1, EventTypes.licenseProvisioned],
      ['pro', 'granted', '2026-02-01', '2026-03-01', activated, 1, EventTypes.licenseProvisioned],
      ['pro', 'changed', '2026-06-15', '2026-06-15', amended, 2, EventTypes.licenseUpdated],
      ['platform', 'ended', '2026-09-01', '2026-09-01', cancelled, 3, EventTypes.licenseRevoked],
      ['pro', 'ended', '2026-09-01', '2026-09-01', cancelled, 3, EventTypes.licenseRevoked],
    ]);
  });
});

describe('a contract starting in the future', () => {
  const v1 = contract('2026-04-01', '2027-04-01', [
    charge(catalog.seatBasic, [['2026-04-01', '2027-04-01', 12]]),
  ]);
  const { accountId, contractId } = v1;

  it('is provisioned only by the run for its start date', async () => {
    await publish(sut, [activated, v1]);
    await waitForValue(async () =>
      (await entitlementsOf(accountId, '?asOf=2026-04-01')).entitlements.length > 0 ? true : undefined,
    );
    expect((await entitlementsOf(accountId)).entitlements).toEqual([]);

    expect(await run('2026-03-31')).toMatchObject({ contracts: [] });
    expect(await run('2026-04-01')).toEqual({
      asOf: '2026-04-01',
      contracts: [contractId],
      provisioned: 1,
      updated: 0,
      revoked: 0,
      failed: [],
    });
    expect(await run('2026-04-01')).toMatchObject({ contracts: [] });
    const event = await licenceEvent(EventTypes.licenseProvisioned, accountId);
    expect(event.data).toMatchObject({
      entitlements: [
        { product: 'basic', seats: 12, features: [], validFrom: '2026-04-01', validTo: '2027-04-01' },
      ],
    });
  });

  it('keeps the licence at the term end while the automatic renewal is on its way, and extends it with the renewal', async () => {
    expect(await run('2027-04-01')).toMatchObject({ contracts: [] });
    expect((await entitlementsOf(accountId)).entitlements).toMatchObject([
      { product: 'basic', seats: 12, validTo: '2027-04-01' },
    ]);

    const v2: SubscriptionEventData = {
      ...v1,
      version: 2,
      source: { kind: 'auto_renewal' },
      term: { ...v1.term, startDate: '2027-04-01', endDate: '2028-04-01' },
      charges: [charge(catalog.seatBasic, [['2027-04-01', '2028-04-01', 12]])],
    };
    await publish(sut, [renewed, v2]);
    const event = await licenceEvent(EventTypes.licenseUpdated, accountId);
    expect(event.data).toMatchObject({
      entitlements: [{ product: 'basic', seats: 12, validFrom: '2026-04-01', validTo: '2028-04-01' }],
    });
    const { items } = await getJson<History>(sut, `/v1/accounts/${accountId}/entitlements/history`);
    expect(items.map((c) => [c.kind, c.effectiveDate, c.appliedAsOf, c.event.type])).toEqual([
      ['granted', '2026-04-01', '2026-04-01', activated],
      ['changed', '2027-04-01', '2027-04-01', renewed],
    ]);
  });
});

describe('the admin token', () => {
  it("is needed to read an account's entitlements and their history, and to run provisioning", async () => {
    await expectAdminOnly(sut, [
      ['GET', '/v1/accounts/A1/entitlements'],
      ['GET', '/v1/accounts/A1/entitlements?asOf=2026-03-01'],
      ['GET', '/v1/accounts/A1/entitlements?asOf=tomorrow'],
      ['GET', '/v1/accounts/A1/entitlements/history'],
      ['POST', '/v1/admin/provisioning-runs', { asOf: '2040-01-01' }],
      ['POST', '/v1/admin/provisioning-runs', {}],
    ]);
  });
});

describe('bad input', () => {
  it.each([
    ['POST', '/v1/admin/provisioning-runs', { asOf: '2026-02-30' }, 'asOf'],
    ['POST', '/v1/admin/provisioning-runs', {}, 'asOf'],
    ['GET', '/v1/accounts/A1/entitlements?asOf=tomorrow', undefined, 'asOf'],
  ])('%s %s answers 400 problem+json naming the field', async (method, path, body, field) => {
    const response = await fetch(`${sut.baseUrl}${path}`, {
      method,
      headers: sut.adminHeaders({ 'content-type': 'application/json' }),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await response.json()).toMatchObject({
      status: 400,
      title: 'Invalid request',
      errors: [{ path: field }],
    });
  });
});
