import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { EventTypes, type LicenseStateV1, Topics } from '@o2c/contracts';
import { eventOn, type RunningService } from '@o2c/testing';
import { type ProvisioningEnv } from '../../src/config/env.schema';
import { LicenceKeyRing, verifyLicence } from '../../src/modules/licences/domain/licence-key-ring';
import {
  activated,
  catalog,
  charge,
  contract,
  getJson,
  pkcs8Base64,
  post,
  publish,
  startProvisioning,
  TestClock,
} from './support/subscription-events';

// The service signs with `current` and was rotated from `previous`, whose public key it still publishes.
const previous = generateKeyPairSync('ed25519');
const current = generateKeyPairSync('ed25519');
let sut: RunningService<ProvisioningEnv>;
let licence: LicenseStateV1;

interface Jwks {
  keys: { kty: string; crv: string; x: string; kid: string; alg: string; use: string }[];
}

// Products read the JWKS and verify licences without the admin token.
const verifyRemotely = async (licenceKey: string) => {
  const response = await post(sut, '/v1/licenses/verify', { licence: licenceKey }, 'anyone');
  expect(response.status).toBe(200);
  return (await response.json()) as { valid: boolean; reason?: string; keyId?: string; claims?: unknown };
};

beforeAll(async () => {
  sut = await startProvisioning(new TestClock('2026-03-01'), {
    PROVISIONING_SIGNING_KEY: pkcs8Base64(current),
    PROVISIONING_SIGNING_KEY_ID: 'o2c-2026-03',
    PROVISIONING_VERIFY_KEYS: `o2c-2025-01:${previous.publicKey.export({ format: 'der', type: 'spki' }).toString('base64')}`,
  });
  const v1 = contract('2026-02-01', '2027-02-01', [
    charge(catalog.seatPro, [['2026-02-01', '2027-02-01', 25]]),
  ]);
  await publish(sut, [activated, v1]);
  const event = await eventOn(
    sut.topic(Topics.licenses),
    (e) => e.type === EventTypes.licenseProvisioned && e.key === v1.accountId,
  );
  licence = event.data as LicenseStateV1;
});

afterAll(async () => {
  await sut.stop();
});

it('publishes the signing key and the retired one as Ed25519 JWKs', async () => {
  const { keys } = await getJson<Jwks>(sut, '/.well-known/jwks.json', 'anyone');
  expect(keys.map(({ kty, crv, kid, alg, use }) => ({ kty, crv, kid, alg, use }))).toEqual([
    { kty: 'OKP', crv: 'Ed25519', kid: 'o2c-2026-03', alg: 'EdDSA', use: 'sig' },
    { kty: 'OKP', crv: 'Ed25519', kid: 'o2c-2025-01', alg: 'EdDSA', use: 'sig' },
  ]);
  expect(keys[0]!.x).toBe(current.publicKey.export({ format: 'jwk' }).x);
});

it('issues a licence that verifies with the public key of the JWKS alone, offline and at the service', async () => {
  const { keys } = await getJson<Jwks>(sut, '/.well-known/jwks.json', 'anyone');
  const jwk = keys.find((k) => k.kid === licence.keyId)!;
  const publicKey = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, format: 'jwk' });
  expect(verifyLicence(licence.licenseKey, publicKey)).toMatchObject({
    licenseId: licence.licenseId,
    entitlements: [{ product: 'pro', seats: 25 }],
  });
  expect(await verifyRemotely(licence.licenseKey)).toMatchObject({
    valid: true,
    keyId: 'o2c-2026-03',
    claims: {
      licenseId: licence.licenseId,
      entitlements: [{ product: 'pro', seats: 25, features: ['sso'] }],
    },
  });
});

it('refuses a tampered licence', async () => {
  const [header, payload, signature] = licence.licenseKey.split('.');
  const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as {
    entitlements: { seats: number }[];
  };
  claims.entitlements[0]!.seats = 2500;
  const tampered = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
  expect(await verifyRemotely(tampered)).toMatchObject({ valid: false, reason: 'bad_signature' });
  expect(await verifyRemotely('not.a.licence')).toMatchObject({ valid: false, reason: 'malformed' });
});

it('still accepts a licence signed with the key it was rotated from', async () => {
  const before = new LicenceKeyRing(pkcs8Base64(previous), 'o2c-2025-01').sign({
    licenseId: 'lic-2025',
    entitlements: [],
  });
  expect(await verifyRemotely(before)).toEqual({
    valid: true,
    keyId: 'o2c-2025-01',
    claims: { licenseId: 'lic-2025', entitlements: [] },
  });
  const unknown = new LicenceKeyRing(pkcs8Base64(generateKeyPairSync('ed25519')), 'o2c-2024-01').sign({
    licenseId: 'x',
  });
  expect(await verifyRemotely(unknown)).toMatchObject({ valid: false, reason: 'unknown_key' });
});

it('answers 400 problem+json naming the field when the licence is empty', async () => {
  const response = await post(sut, '/v1/licenses/verify', { licence: '' }, 'anyone');
  expect(response.status).toBe(400);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  expect(await response.json()).toMatchObject({ errors: [{ path: 'licence' }] });
});
