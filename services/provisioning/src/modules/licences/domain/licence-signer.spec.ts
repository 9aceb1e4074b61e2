import { generateKeyPairSync } from 'node:crypto';
import { LicenceSigner, verifyLicence } from './licence-signer';

function ed25519Key(): string {
  return generateKeyPairSync('ed25519')
    .privateKey.export({ format: 'der', type: 'pkcs8' })
    .toString('base64');
}

describe(LicenceSigner.name, () => {
  const sut = new LicenceSigner(ed25519Key(), 'o2c-2026-11');
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
  });

  it('refuses a tampered licence, and one signed by another key', () => {
    const [header, , signature] = sut.sign(claims).split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...claims, entitlements: [{ product: 'pro', seats: 500 }] }),
    ).toString('base64url');
    expect(verifyLicence(`${header}.${forged}.${signature}`, sut.publicKey)).toBeUndefined();
    expect(
      verifyLicence(new LicenceSigner(ed25519Key(), 'other').sign(claims), sut.publicKey),
    ).toBeUndefined();
    expect(verifyLicence('not-a-licence', sut.publicKey)).toBeUndefined();
  });

  it('takes only an Ed25519 key', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ format: 'der', type: 'pkcs8' })
      .toString('base64');
    expect(() => new LicenceSigner(rsa, 'k')).toThrow('the licence signing key must be Ed25519, got rsa');
  });
});
