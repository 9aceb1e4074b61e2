import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { newWebhookSecret, postSignedWebhook, type SignOptions as SignedWebhookOptions } from '@o2c/testing';

export const SECRET = newWebhookSecret(24);
export const OLD_SECRET = newWebhookSecret(24);

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

export type SignOptions = Partial<SignedWebhookOptions>;

/** POSTs a body signed as Standard Webhooks says, with one signature per secret (SECRET unless given). */
export function postDeal(baseUrl: string, body: unknown, options: SignOptions = {}): Promise<Response> {
  return postSignedWebhook(`${baseUrl}/v1/webhooks/deals`, body, {
    ...options,
    secrets: options.secrets ?? [SECRET],
  });
}
