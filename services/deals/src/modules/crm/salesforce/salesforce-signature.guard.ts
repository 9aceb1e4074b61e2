import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  ServiceUnavailableException,
} from '@nestjs/common';
import { type SignedRequest, StandardWebhookVerifier } from '../../deals/api/standard-webhook-verifier';
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
  private readonly verifier: StandardWebhookVerifier;

  constructor(@Inject(CRM_ENV) env: CrmEnv) {
    this.verifier = new StandardWebhookVerifier(env.SALESFORCE_WEBHOOK_SECRETS?.split(' ') ?? [], {
      invalidBodyCode: CrmErrorCode.InvalidPayload,
    });
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.verifier.configured) {
      throw new ServiceUnavailableException({
        title: 'Salesforce adapter not configured',
        detail: 'SALESFORCE_WEBHOOK_SECRETS is not set',
        code: CrmErrorCode.NotConfigured,
      });
    }
    this.verifier.verify(context.switchToHttp().getRequest<SignedRequest>());
    return true;
  }
}
