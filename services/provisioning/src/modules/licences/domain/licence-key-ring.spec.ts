import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { LicenceKeyRing, parseRetiredKeys, verifyLicence } from './licence-key-ring';

function ed25519() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    pkcs8: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    spki: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
  };
}

const b64json = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe(LicenceKeyRing.name, () => {
  const old = ed25519();
  const current = ed25519();
  const sut = new LicenceKeyRing(current.pkcs8, 'o2c-2026-11', parseRetiredKeys(`o2c-2025-01:${old.spki}`));
  const claims = { licenseId: 'lic-1', entitlements: [{ product: 'pro', seats: 50 }] };

  it('signs a compact JWS that the public key alone verifies, header naming the key', () => {
    const licence = sut.sign(claims);
    const [header] = licence.split('.');
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toEqual({
      alg: 'EdDSA',
      typ: 'o2c-licence+jws',
      kid: 'o2c-2026-11',
    });
    expect(verifyLicence(licence, sut.publicKey)).toEqual(claims);
    expect(sut.verify(licence)).toEqual({ valid: true, keyId: 'o2c-2026-11', claims });
  });

  it('publishes the active key first, then the retired ones, as OKP JWKs that node:crypto reads back', () => {
    const { keys } = sut.jwks();
    expect(keys.map((k) => [k.kty, k.crv, k.kid, k.alg, k.use])).toEqual([
      ['OKP', 'Ed25519', 'o2c-2026-11', 'EdDSA', 'sig'],
      ['OKP', 'Ed25519', 'o2c-2025-01', 'EdDSA', 'sig'],
    ]);
    const fromJwk = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: keys[0]!.x }, format: 'jwk' });
    expect(verifyLicence(sut.sign(claims), fromJwk)).toEqual(claims);
  });

  it('still verifies a licence signed with a retired key', () => {
    const before = new LicenceKeyRing(old.pkcs8, 'o2c-2025-01').sign(claims);
    expect(sut.verify(before)).toEqual({ valid: true, keyId: 'o2c-2025-01', claims });
  });

  it('refuses a tampered licence, an unknown key, another algorithm and what is not a JWS, with the reason', () => {
    const [header, , signature] = sut.sign(claims).split('.');
    const forged = b64json({ ...claims, entitlements: [{ product: 'pro', seats: 500 }] });
    expect(sut.verify(`${header}.${forged}.${signature}`)).toMatchObject({
      valid: false,
      reason: 'bad_signature',
    });
    expect(verifyLicence(`${header}.${forged}.${signature}`, sut.publicKey)).toBeUndefined();
    const stranger = new LicenceKeyRing(ed25519().pkcs8, 'stranger').sign(claims);
    expect(sut.verify(stranger)).toMatchObject({ valid: false, reason: 'unknown_key' });
    const impostor = new LicenceKeyRing(ed25519().pkcs8, 'o2c-2026-11').sign(claims);
    expect(sut.verify(impostor)).toMatchObject({ valid: false, reason: 'bad_signature' });
    const none = `${b64json({ alg: 'none', kid: 'o2c-2026-11' })}.${b64json(claims)}.`;
    expect(sut.verify(none)).toMatchObject({ valid: false, reason: 'unsupported_algorithm' });
    expect(sut.verify('not-a-licence')).toMatchObject({ valid: false, reason: 'malformed' });
  });

  it('takes only an Ed25519 key', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ format: 'der', type: 'pkcs8' })
      .toString('base64');
    expect(() => new LicenceKeyRing(rsa, 'k')).toThrow('must be Ed25519, got rsa');
    expect(
      () => new LicenceKeyRing(old.pkcs8, 'o2c-2025-01', parseRetiredKeys(`o2c-2025-01:${old.spki}`)),
    ).toThrow('o2c-2025-01 is both the active and a retired key');
  });
});

describe(parseRetiredKeys.name, () => {
  it('reads kid:base64 entries separated by spaces or commas', () => {
    const [a, b] = [ed25519(), ed25519()];
    expect(parseRetiredKeys(` k1:${a.spki}, k2:${b.spki} `).map((k) => k.keyId)).toEqual(['k1', 'k2']);
    expect(parseRetiredKeys('')).toEqual([]);
  });

  it('says which entry is wrong', () => {
    const a = ed25519();
    expect(() => parseRetiredKeys(a.spki)).toThrow('is not kid:base64');
    expect(() => parseRetiredKeys('k1:AAAA')).toThrow(
      'the key of k1 is not a public key in SPKI DER, base64',
    );
    expect(() => parseRetiredKeys(`k1:${a.spki} k1:${a.spki}`)).toThrow('k1 appears twice');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .publicKey.export({ format: 'der', type: 'spki' })
      .toString('base64');
    expect(() => parseRetiredKeys(`k1:${rsa}`)).toThrow('the key of k1 must be Ed25519, got rsa');
  });
});
