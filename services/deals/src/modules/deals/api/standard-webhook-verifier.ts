import { BadRequestException, UnauthorizedException } from '@nestjs/common';
import { type Request } from 'express';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';

/** A request as the service receives it, with the raw body that was signed (`rawBody: true` in main.ts). */
export type SignedRequest = Request & { rawBody?: Buffer };

export interface StandardWebhookVerifierOptions {
  /** The problem `code` of a body that is not JSON (the CRM adapters have their own); none by default. */
  readonly invalidBodyCode?: string;
}

/**
 * Standard Webhooks signature check (deal-webhook.md), for every endpoint signed that way (the canonical
 * webhook, the Salesforce callout): `webhook-id`, `webhook-timestamp` within 5 minutes, and a `v1,`
 * HMAC-SHA256 signature over the raw body by any of the secrets (so a secret can be rotated without a gap).
 * These endpoints take JSON only: a body that is not, signed or not, is a 400 naming the body, never
 * read further (the library would parse it after the signature matched, and its error was a 500).
 */
export class StandardWebhookVerifier {
  private readonly verifiers: readonly Webhook[];

  /** `secrets`: `whsec_<base64>` secrets, several during a rotation. */
  constructor(
    secrets: readonly string[],
    private readonly options: StandardWebhookVerifierOptions = {},
  ) {
    this.verifiers = secrets.map((secret) => new Webhook(secret));
  }

  /** Whether any secret is configured; with none, no request can be authenticated. */
  get configured(): boolean {
    return this.verifiers.length > 0;
  }

  /**
   * Passes a JSON request signed with one of the secrets. Throws a 400 when the body is not sent as
   * JSON (before the signature: a body of another media type is not kept, so its signature cannot be
   * checked; a malformed JSON body was refused the same way by the body parser already) or, once the
   * signature matches, is not JSON; else a 401 saying what is missing or wrong.
   */
  verify(request: SignedRequest): void {
    const contentType = request.header('content-type');
    const mediaType = contentType?.split(';')[0]!.trim().toLowerCase();
    if (mediaType !== undefined && mediaType !== '' && mediaType !== 'application/json') {
      this.invalidBody(
        `must be JSON sent with Content-Type: application/json; it was sent as ${contentType}`,
      );
    }
    const headers = {
      'webhook-id': request.header('webhook-id') ?? '',
      'webhook-timestamp': request.header('webhook-timestamp') ?? '',
      'webhook-signature': request.header('webhook-signature') ?? '',
    };
    const missing = Object.entries(headers)
      .filter(([, value]) => value === '')
      .map(([name]) => name);
    if (missing.length > 0) throw new UnauthorizedException(`missing ${missing.join(', ')}`);
    const body = request.rawBody ?? Buffer.alloc(0);
    let reason = 'no signature matches';
    for (const verifier of this.verifiers) {
      try {
        // jsonParse false: the library would JSON.parse the body itself, its SyntaxError escaping as a 500.
        verifier.verify(body, headers, { jsonParse: false });
        this.checkJson(body);
        return;
      } catch (error) {
        if (!(error instanceof WebhookVerificationError)) throw error;
        // A stale or future timestamp fails alike for every secret; keep that reason.
        if (/timestamp/i.test(error.message)) reason = error.message;
      }
    }
    throw new UnauthorizedException(reason);
  }

  private checkJson(body: Buffer): void {
    if (body.length === 0) this.invalidBody('is empty: it must be JSON');
    try {
      JSON.parse(body.toString('utf8'));
    } catch (error) {
      this.invalidBody(`is not JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private invalidBody(problem: string): never {
    throw new BadRequestException({
      title: 'Invalid request',
      detail: `the request body ${problem}`,
      ...(this.options.invalidBodyCode !== undefined ? { code: this.options.invalidBodyCode } : {}),
      errors: [{ path: 'body', message: problem }],
    });
  }
}
