import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { type Request } from 'express';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { CRM_ENV, type CrmEnv } from '../config/crm-env.schema';
import { CrmErrorCode } from '../crm.errors';

/**
 * Salesforce has no signed outbound webhook of its own, so the Apex callout that sends the
 * Opportunity signs it as Standard Webhooks says, like the canonical webhook (deal-webhook.md):
 * `webhook-id`, `webhook-timestamp` (Unix seconds, at most 5 minutes off) and `webhook-signature`
 * (`v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<raw body>">`), with a secret of its own
 * (SALESFORCE_WEBHOOK_SECRETS, several during a rotation). docs/crm-adapters.md has the Apex.
 */
@Injectable()
export class SalesforceSignatureGuard implements CanActivate {
  private readonly verifiers: readonly Webhook[];

  constructor(@Inject(CRM_ENV) env: CrmEnv) {
    this.verifiers = (env.SALESFORCE_WEBHOOK_SECRETS?.split(' ') ?? []).map((secret) => new Webhook(secret));
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.verifiers.length === 0) {
      throw new ServiceUnavailableException({
        title: 'Salesforce adapter not configured',
        detail: 'SALESFORCE_WEBHOOK_SECRETS is not set',
        code: CrmErrorCode.NotConfigured,
      });
    }
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
