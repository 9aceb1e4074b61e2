import { UnauthorizedException } from '@nestjs/common';
import { type Request } from 'express';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';

/** A request as the service receives it, with the raw body that was signed (`rawBody: true` in main.ts). */
export type SignedRequest = Request & { rawBody?: Buffer };

/**
 * Standard Webhooks signature check (deal-webhook.md), for every endpoint signed that way (the canonical
 * webhook, the Salesforce callout): `webhook-id`, `webhook-timestamp` within 5 minutes, and a `v1,`
 * HMAC-SHA256 signature over the raw body by any of the secrets (so a secret can be rotated without a gap).
 */
export class StandardWebhookVerifier {
  private readonly verifiers: readonly Webhook[];

  /** `secrets`: `whsec_<base64>` secrets, several during a rotation. */
  constructor(secrets: readonly string[]) {
    this.verifiers = secrets.map((secret) => new Webhook(secret));
  }

  /** Whether any secret is configured; with none, no request can be authenticated. */
  get configured(): boolean {
    return this.verifiers.length > 0;
  }

  /** Passes a request signed with one of the secrets; else throws a 401 saying what is missing or wrong. */
  verify(request: SignedRequest): void {
    const headers = {
      'webhook-id': request.header('webhook-id') ?? '',
      'webhook-timestamp': request.header('webhook-timestamp') ?? '',
      'webhook-signature': request.header('webhook-signature') ?? '',
    };
    const missing = Object.entries(headers)
      .filter(([, value]) => value === '')
      .map(([name]) => name);
    if (missing.length > 0) throw new UnauthorizedException(`missing ${missing.join(', ')}`);
    let reason = 'no signature matches';
    for (const verifier of this.verifiers) {
      try {
        verifier.verify(request.rawBody ?? Buffer.alloc(0), headers);
        return;
      } catch (error) {
        if (!(error instanceof WebhookVerificationError)) throw error;
        // A stale or future timestamp fails alike for every secret; keep that reason.
        if (/timestamp/i.test(error.message)) reason = error.message;
      }
    }
    throw new UnauthorizedException(reason);
  }
}
