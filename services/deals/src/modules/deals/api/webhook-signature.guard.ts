import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { SERVICE_ENV } from '@o2c/platform';
import { type DealsEnv } from '../../../config/env.schema';
import { type SignedRequest, StandardWebhookVerifier } from './standard-webhook-verifier';

/**
 * The canonical webhook's Standard Webhooks signature, by any of DEALS_WEBHOOK_SECRETS. Runs before
 * body validation: an unsigned request learns nothing.
 */
@Injectable()
export class WebhookSignatureGuard implements CanActivate {
  private readonly verifier: StandardWebhookVerifier;

  constructor(@Inject(SERVICE_ENV) env: DealsEnv) {
    this.verifier = new StandardWebhookVerifier(env.DEALS_WEBHOOK_SECRETS.split(' '));
  }

  canActivate(context: ExecutionContext): boolean {
    this.verifier.verify(context.switchToHttp().getRequest<SignedRequest>());
    return true;
  }
}
