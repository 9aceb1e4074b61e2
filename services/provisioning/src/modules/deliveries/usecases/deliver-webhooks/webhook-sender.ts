import { traceHeadersOf } from '@o2c/observability';
import { Webhook } from 'standardwebhooks';
import { parseRetryAfter } from '../../domain/retry-policy';

/** What one POST to a product got: an answer (any status) or an error (no connection, timeout). */
export interface SendResult {
  readonly durationMs: number;
  readonly statusCode?: number;
  readonly response?: string;
  readonly retryAfterMs?: number;
  readonly error?: string;
}

const RESPONSE_EXCERPT = 1_000;

/**
 * Sends a webhook signed as Standard Webhooks says (`webhook-id`, `webhook-timestamp`, `webhook-signature`
 * with a `v1,` signature per secret) with the W3C `traceparent` of the active span, never following a
 * redirect (it could leave the allowed hosts), giving up after the timeout.
 */
export class WebhookSender {
  private readonly signers: Webhook[];

  constructor(
    secrets: readonly string[],
    private readonly timeoutMs: number,
  ) {
    this.signers = secrets.map((secret) => new Webhook(secret));
  }

  async send(url: URL, id: string, payload: string, now: Date): Promise<SendResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'o2c-provisioning',
          'webhook-id': id,
          'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
          'webhook-signature': this.signers.map((signer) => signer.sign(id, now, payload)).join(' '),
          ...traceHeadersOf(),
        },
        body: payload,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const text = await response.text();
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), now);
      return {
        durationMs: elapsed(),
        statusCode: response.status,
        response: text.slice(0, RESPONSE_EXCERPT),
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      };
    } catch (error) {
      // Read by shape: fetch's errors may come from another realm than this module's Error.
      const { name, message, cause } = error as {
        name?: string;
        message?: string;
        cause?: { message?: string };
      };
      return {
        durationMs: elapsed(),
        error:
          name === 'TimeoutError'
            ? `no answer within ${this.timeoutMs} ms`
            : `${message ?? String(error)}${cause?.message ? `: ${cause.message}` : ''}`,
      };
    }
  }
}
