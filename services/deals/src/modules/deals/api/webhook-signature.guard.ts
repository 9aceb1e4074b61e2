import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { SERVICE_ENV } from '@o2c/platform';
import { type Request } from 'express';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { type DealsEnv } from '../../../config/env.schema';

/**
 * Standard Webhooks signature check (deal-webhook.md): `webhook-id`, `webhook-timestamp` within
 * 5 minutes, and a `v1,` HMAC-SHA256 signature over the raw body by any configured secret (so a
 * secret can be rotated without a gap). Runs before body validation: an unsigned request learns nothing.
 */
@Injectable()
export class WebhookSignatureGuard implements CanActivate {
  private readonly verifiers: Webhook[];

  constructor(@Inject(SERVICE_ENV) env: DealsEnv) {
    this.verifiers = env.DEALS_WEBHOOK_SECRETS.split(' ').map((secret) => new Webhook(secret));
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request & { rawBody?: Buffer }>();
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
        return true;
      } catch (error) {
        if (!(error instanceof WebhookVerificationError)) throw error;
        // A stale or future timestamp fails alike for every secret; keep that reason.
        if (/timestamp/i.test(error.message)) reason = error.message;
      }
    }
    throw new UnauthorizedException(reason);
  }
}
