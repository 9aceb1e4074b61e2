import { randomBytes } from 'node:crypto';

/** A valid `ADMIN_TOKEN` (64 hex digits), different each time. */
export function newAdminToken(): string {
  return randomBytes(32).toString('hex');
}

/** `headers` with `authorization: Bearer <token>` when there is a token; the operations endpoints want it. */
export function withAdminToken(
  token: string | undefined,
  headers: Record<string, string> = {},
): Record<string, string> {
  return token ? { ...headers, authorization: `Bearer ${token}` } : { ...headers };
}
