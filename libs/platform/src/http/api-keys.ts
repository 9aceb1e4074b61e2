import { createHash } from 'node:crypto';

/**
 * Every scope an operations route can require, one per kind of act (docs/operations.md, "Operations
 * credentials"). A route declares its own with `@RequiresScope`; `ADMIN_TOKEN` holds them all.
 */
export const OPERATIONS_SCOPES = [
  'deals:read', // the deals, their attempts and reasons (the exception queue)
  'deals:replay', // replay a rejected or held deal
  'deals:preview', // the documents a deal would make, nothing stored
  'catalog:write', // create or change a catalog entry
  'contracts:read', // contracts, their versions and billing schedules
  'renewals:run', // run the automatic renewals for a date
  'invoices:read', // invoices, credit notes, their PDFs and payments
  'payments:write', // record a payment
  'billing:read', // bill runs and what they issued
  'billing:run', // start a bill run
  'entitlements:read', // entitlements, their history and the deliveries to the products
  'provisioning:run', // run provisioning for a date
  'deliveries:replay', // deliver a licence again
  'dead-letters:read', // the events a service could not apply (whole events, customer data included)
  'dead-letters:replay', // replay dead letters
  'run-failures:read', // what the scheduled jobs could not do
] as const;

export type OperationsScope = (typeof OPERATIONS_SCOPES)[number];

/** An operations API key as configured: its id (logged with each use), the SHA-256 of the key, its scopes. */
export interface ApiKey {
  readonly id: string;
  readonly sha256: string;
  readonly scopes: ReadonlySet<string>;
}

/** The id the bootstrap `ADMIN_TOKEN` is logged under; no API key may take it. */
export const ADMIN_TOKEN_ID = 'admin-token';

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const SHA256 = /^[0-9a-f]{64}$/;
const FORMAT = 'API_KEYS must be a JSON array of {"id", "sha256", "scopes"} (npm run api-key makes an entry)';

/** The SHA-256 of a presented key, in lowercase hex: what `API_KEYS` stores instead of the key. */
export const apiKeyDigest = (key: string): string => createHash('sha256').update(key).digest('hex');

/**
 * The `API_KEYS` setting, checked: a JSON array of `{"id": "ops-alice", "sha256": "<64 hex>", "scopes":
 * ["deals:read", …]}`. Several keys may be active at once (rotation: add the new one, move the clients, remove
 * the old one). Throws a message naming the entry and the field that is wrong. Unset or empty: no keys.
 */
export function parseApiKeys(value: string | undefined): ApiKey[] {
  if (value === undefined || value.trim() === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw new Error(`${FORMAT}; it is not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!Array.isArray(parsed)) throw new Error(`${FORMAT}; it is not an array`);
  const ids = new Set<string>();
  const digests = new Set<string>();
  return parsed.map((entry: unknown, i): ApiKey => {
    const at = `API_KEYS[${i}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new Error(`${at} must be an object {"id", "sha256", "scopes"}`);
    }
    const { id, sha256, scopes, ...rest } = entry as Record<string, unknown>;
    const unknown = Object.keys(rest);
    if (unknown.length > 0) throw new Error(`${at} has unknown fields: ${unknown.join(', ')}`);
    if (typeof id !== 'string' || !ID.test(id)) {
      throw new Error(`${at}.id must be 1 to 63 characters of A-Z a-z 0-9 . _ - (got ${JSON.stringify(id)})`);
    }
    if (id === ADMIN_TOKEN_ID) throw new Error(`${at}.id "${ADMIN_TOKEN_ID}" is reserved for ADMIN_TOKEN`);
    if (ids.has(id)) throw new Error(`${at}.id "${id}" is used by an earlier key`);
    if (typeof sha256 !== 'string' || !SHA256.test(sha256)) {
      throw new Error(
        `${at}.sha256 must be the key's SHA-256 in 64 lowercase hex digits, not the key itself`,
      );
    }
    if (digests.has(sha256)) throw new Error(`${at}.sha256 is the same key as an earlier entry's`);
    if (!Array.isArray(scopes) || scopes.length === 0) {
      throw new Error(`${at}.scopes must be a non-empty array of scopes`);
    }
    for (const scope of scopes) {
      if (!(OPERATIONS_SCOPES as readonly unknown[]).includes(scope)) {
        throw new Error(
          `${at}.scopes has an unknown scope ${JSON.stringify(scope)}; the scopes are ${OPERATIONS_SCOPES.join(', ')}`,
        );
      }
    }
    ids.add(id);
    digests.add(sha256);
    return { id, sha256, scopes: new Set(scopes as string[]) };
  });
}
