import { randomBytes, randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** A fresh Standard Webhooks secret, `whsec_<base64>`, as `DEALS_WEBHOOK_SECRETS` and the products take it. */
export function newWebhookSecret(bytes = 32): string {
  return `whsec_${randomBytes(bytes).toString('base64')}`;
}

export interface SignOptions {
  /** One signature per secret (rotation sends several). */
  readonly secrets: readonly string[];
  /** When it was signed; now unless given (a stale or future one is refused). */
  readonly timestamp?: Date;
  /** Changes the body after signing, for a signature that must not verify. */
  readonly tamper?: (body: string) => string;
  /** Sent as well, e.g. the CRM's `traceparent`. */
  readonly headers?: Record<string, string>;
}

/** The request of a webhook signed as Standard Webhooks says: a fresh `webhook-id`, its timestamp and signatures. */
export function signedWebhook(
  body: unknown,
  options: SignOptions,
): { headers: Record<string, string>; body: string } {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const id = `msg_${randomUUID()}`;
  const timestamp = options.timestamp ?? new Date();
  const signatures = options.secrets.map((secret) => new Webhook(secret).sign(id, timestamp, raw));
  return {
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      'webhook-signature': signatures.join(' '),
      ...options.headers,
    },
    body: options.tamper ? options.tamper(raw) : raw,
  };
}

/** POSTs `body` to `url`, signed as Standard Webhooks says. */
export function postSignedWebhook(url: string, body: unknown, options: SignOptions): Promise<Response> {
  return fetch(url, { method: 'POST', ...signedWebhook(body, options) });
}
