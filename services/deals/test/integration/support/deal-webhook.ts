import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';

export const SECRET = `whsec_${randomBytes(24).toString('base64')}`;
export const OLD_SECRET = `whsec_${randomBytes(24).toString('base64')}`;

interface SampleDeal {
  type: string;
  deal: { id: string; account: { id: string } } & Record<string, unknown>;
}

/** The sample of the docs (deploy/samples, the body of deal-webhook.md), with fresh deal and account ids. */
export function sampleDeal(overrides: Record<string, unknown> = {}): SampleDeal {
  const sample = JSON.parse(
    readFileSync(join(__dirname, '../../../../../deploy/samples/deal.closed-won.json'), 'utf8'),
  ) as SampleDeal;
  return {
    ...sample,
    deal: {
      ...sample.deal,
      id: `006-${randomUUID()}`,
      account: { ...sample.deal.account, id: `001-${randomUUID()}` },
      ...overrides,
    },
  };
}

export interface SignOptions {
  readonly secrets?: readonly string[];
  readonly timestamp?: Date;
  readonly tamper?: (body: string) => string;
  /** Sent as well, e.g. the CRM's `traceparent`. */
  readonly headers?: Record<string, string>;
}

/** POSTs a body signed as Standard Webhooks says, with one signature per secret. */
export async function postDeal(baseUrl: string, body: unknown, options: SignOptions = {}): Promise<Response> {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const id = `msg_${randomUUID()}`;
  const timestamp = options.timestamp ?? new Date();
  const signatures = (options.secrets ?? [SECRET]).map((secret) =>
    new Webhook(secret).sign(id, timestamp, raw),
  );
  return fetch(`${baseUrl}/v1/webhooks/deals`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      'webhook-signature': signatures.join(' '),
      ...options.headers,
    },
    body: options.tamper ? options.tamper(raw) : raw,
  });
}
