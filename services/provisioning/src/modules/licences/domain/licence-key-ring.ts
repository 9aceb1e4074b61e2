import { createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';

/** The protected header of every o2c licence. */
export interface LicenceHeader {
  readonly alg: 'EdDSA';
  readonly typ: 'o2c-licence+jws';
  readonly kid: string;
}

/** An Ed25519 public key as a JWK (RFC 8037), as `/.well-known/jwks.json` lists it. */
export interface LicenceJwk {
  readonly kty: 'OKP';
  readonly crv: 'Ed25519';
  readonly x: string;
  readonly kid: string;
  readonly alg: 'EdDSA';
  readonly use: 'sig';
}

/** Why a licence is not genuine. */
export type LicenceRefusal = 'malformed' | 'unsupported_algorithm' | 'unknown_key' | 'bad_signature';

export type LicenceVerification =
  | { readonly valid: true; readonly keyId: string; readonly claims: Record<string, unknown> }
  | { readonly valid: false; readonly reason: LicenceRefusal; readonly detail: string };

/** A public key that verifies licences signed before a rotation. */
export interface RetiredKey {
  readonly keyId: string;
  readonly publicKey: KeyObject;
}

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** An Ed25519 private key from PKCS#8 DER in base64; throws saying what is wrong. */
export function ed25519PrivateKey(pkcs8Base64: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: Buffer.from(pkcs8Base64, 'base64'), format: 'der', type: 'pkcs8' });
  } catch {
    throw new Error('is not a private key in PKCS#8 DER, base64');
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`must be Ed25519, got ${key.asymmetricKeyType}`);
  return key;
}

/**
 * Retired keys, `kid:base64` separated by spaces or commas, each an Ed25519 public key in SPKI DER
 * (`openssl pkey -pubout -outform DER | base64 -w0`). Throws saying which entry is wrong.
 */
export function parseRetiredKeys(value: string): RetiredKey[] {
  const keys: RetiredKey[] = [];
  for (const entry of value.split(/[\s,]+/).filter(Boolean)) {
    const colon = entry.indexOf(':');
    const keyId = entry.slice(0, colon);
    if (colon < 0 || !KEY_ID.test(keyId)) {
      throw new Error(
        `"${entry.slice(0, 80)}" is not kid:base64 (kid: 1-64 letters, digits, dots, dashes, underscores)`,
      );
    }
    let publicKey: KeyObject;
    try {
      publicKey = createPublicKey({
        key: Buffer.from(entry.slice(colon + 1), 'base64'),
        format: 'der',
        type: 'spki',
      });
    } catch {
      throw new Error(`the key of ${keyId} is not a public key in SPKI DER, base64`);
    }
    if (publicKey.asymmetricKeyType !== 'ed25519') {
      throw new Error(`the key of ${keyId} must be Ed25519, got ${publicKey.asymmetricKeyType}`);
    }
    if (keys.some((k) => k.keyId === keyId)) throw new Error(`${keyId} appears twice`);
    keys.push({ keyId, publicKey });
  }
  return keys;
}

function parseJson(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Verifies a licence with a public key only; returns its payload, or undefined when it is not genuine. */
export function verifyLicence(licence: string, publicKey: KeyObject): unknown {
  const [header, payload, signature, ...rest] = licence.split('.');
  if (!header || !payload || !signature || rest.length > 0) return undefined;
  let genuine: boolean;
  try {
    genuine = verify(
      null,
      Buffer.from(`${header}.${payload}`),
      publicKey,
      Buffer.from(signature, 'base64url'),
    );
  } catch {
    return undefined; // e.g. a key of another type
  }
  return genuine ? parseJson(payload) : undefined;
}

/**
 * Licences are JWS in compact serialization (RFC 7515) signed with Ed25519 (`alg: EdDSA`, RFC 8037), so a
 * product verifies one offline with the public key alone: split on '.', check
 * `Ed25519(publicKey, "<header>.<payload>", signature)`, read the JSON payload. The ring signs with the
 * active key and verifies with it and every retired key, each found by the header's `kid`, so licences
 * issued before a rotation stay valid. node:crypto reads and writes Ed25519 JWKs itself (`format: 'jwk'`),
 * which is all a JWKS needs here; no JOSE library is involved.
 */
export class LicenceKeyRing {
  private readonly privateKey: KeyObject;
  private readonly publicKeys: ReadonlyMap<string, KeyObject>;

  constructor(
    privateKeyPkcs8Base64: string,
    readonly keyId: string,
    retired: readonly RetiredKey[] = [],
  ) {
    this.privateKey = ed25519PrivateKey(privateKeyPkcs8Base64);
    if (retired.some((k) => k.keyId === keyId))
      throw new Error(`${keyId} is both the active and a retired key`);
    this.publicKeys = new Map([
      [keyId, createPublicKey(this.privateKey)],
      ...retired.map((k): [string, KeyObject] => [k.keyId, k.publicKey]),
    ]);
  }

  get publicKey(): KeyObject {
    return this.publicKeys.get(this.keyId)!;
  }

  sign(payload: object): string {
    const header: LicenceHeader = { alg: 'EdDSA', typ: 'o2c-licence+jws', kid: this.keyId };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
    return `${input}.${b64url(sign(null, Buffer.from(input), this.privateKey))}`;
  }

  /** The public keys, active first, as a JWK Set (RFC 7517). */
  jwks(): { keys: LicenceJwk[] } {
    return {
      keys: [...this.publicKeys].map(([kid, key]) => {
        const { x } = key.export({ format: 'jwk' });
        return { kty: 'OKP', crv: 'Ed25519', x: x!, kid, alg: 'EdDSA', use: 'sig' };
      }),
    };
  }

  verify(licence: string): LicenceVerification {
    const parts = licence.split('.');
    const header = parts.length === 3 ? parseJson(parts[0]!) : undefined;
    if (!header) return { valid: false, reason: 'malformed', detail: 'not a JWS in compact serialization' };
    if (header.alg !== 'EdDSA') {
      return {
        valid: false,
        reason: 'unsupported_algorithm',
        detail: `alg ${String(header.alg)} is not EdDSA`,
      };
    }
    const kid = typeof header.kid === 'string' ? header.kid : undefined;
    const key = kid === undefined ? undefined : this.publicKeys.get(kid);
    if (kid === undefined || !key) {
      return {
        valid: false,
        reason: 'unknown_key',
        detail: `kid ${String(header.kid)} is not in the key set`,
      };
    }
    const claims = verifyLicence(licence, key);
    if (claims === undefined) {
      return { valid: false, reason: 'bad_signature', detail: `the signature does not match key ${kid}` };
    }
    return { valid: true, keyId: kid, claims: claims as Record<string, unknown> };
  }
}
