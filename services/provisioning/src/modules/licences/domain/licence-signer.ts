import { createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';

/** The protected header of every o2c licence. */
export interface LicenceHeader {
  readonly alg: 'EdDSA';
  readonly typ: 'o2c-licence+jws';
  readonly kid: string;
}

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

/**
 * Licences are JWS in compact serialization (RFC 7515) signed with Ed25519 (`alg: EdDSA`, RFC 8037),
 * so a product verifies one offline with the public key alone: split on '.', check
 * `Ed25519(publicKey, "<header>.<payload>", signature)`, read the JSON payload.
 */
export class LicenceSigner {
  private readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;

  constructor(
    privateKeyPkcs8Base64: string,
    readonly keyId: string,
  ) {
    this.privateKey = createPrivateKey({
      key: Buffer.from(privateKeyPkcs8Base64, 'base64'),
      format: 'der',
      type: 'pkcs8',
    });
    if (this.privateKey.asymmetricKeyType !== 'ed25519') {
      throw new Error(`the licence signing key must be Ed25519, got ${this.privateKey.asymmetricKeyType}`);
    }
    this.publicKey = createPublicKey(this.privateKey);
  }

  sign(payload: object): string {
    const header: LicenceHeader = { alg: 'EdDSA', typ: 'o2c-licence+jws', kid: this.keyId };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
    return `${input}.${b64url(sign(null, Buffer.from(input), this.privateKey))}`;
  }
}

/** Verifies a licence with a public key only; returns its payload, or undefined when it is not genuine. */
export function verifyLicence(licence: string, publicKey: KeyObject): unknown {
  const [header, payload, signature] = licence.split('.');
  if (!header || !payload || !signature) return undefined;
  const genuine = verify(
    null,
    Buffer.from(`${header}.${payload}`),
    publicKey,
    Buffer.from(signature, 'base64url'),
  );
  return genuine ? (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown) : undefined;
}
