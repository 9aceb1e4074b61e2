import { fieldProblems, type FieldProblem } from '@o2c/platform';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { type DealWebhookDeal, DealWebhookRequest } from '../../deals/api/deal-webhook.request.dto';
import { type CanonicalDealBody } from '../crm.errors';

export type CanonicalDeal =
  | { readonly ok: true; readonly deal: DealWebhookDeal }
  | { readonly ok: false; readonly problems: readonly FieldProblem[] };

/**
 * Checks a mapped body by the rules `POST /v1/webhooks/deals` applies to its own (the global
 * validation pipe's options), so that intake sees from an adapter only what it could get directly.
 */
export function toCanonicalDeal(body: CanonicalDealBody): CanonicalDeal {
  const request = plainToInstance(DealWebhookRequest, body);
  const errors = validateSync(request, { whitelist: true, forbidNonWhitelisted: true });
  return errors.length > 0
    ? { ok: false, problems: fieldProblems(errors) }
    : { ok: true, deal: request.deal };
}
