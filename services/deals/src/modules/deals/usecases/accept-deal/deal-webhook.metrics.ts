import { o2cCounter } from '@o2c/observability';
import { type WebhookDealResult } from './accept-deal.command';

/**
 * The `reason` label of a deal the intake decided: `none` when accepted or a duplicate, else the path of its
 * first problem with positions as `*` (`lines.*.sku`, `amends`), so that the label stays a short list of
 * field names and never carries a customer's value.
 */
export function webhookReasonOf(result: WebhookDealResult): string {
  if (result.outcome === 'duplicate' || result.deal.status === 'accepted') return 'none';
  return result.deal.problems[0]?.path.replace(/\d+/g, '*') ?? 'none';
}

/**
 * Counts a deal the webhook brought in `o2c_deal_webhooks_total{outcome, reason}`: outcome `accepted`,
 * `rejected`, `held` or `duplicate`. Requests refused before the intake (signature, payload) are counted
 * where they are refused, with this same function: `countDealWebhook.refused('invalid_signature')`.
 */
export function countDealWebhook(result: WebhookDealResult): WebhookDealResult {
  const outcome = result.outcome === 'duplicate' ? 'duplicate' : result.deal.status;
  o2cCounter('dealWebhooks').add(1, { outcome, reason: webhookReasonOf(result) });
  return result;
}

/** Counts a webhook request refused before the intake, e.g. `refused('invalid_signature')`, `refused('invalid_payload')`. */
countDealWebhook.refused = (reason: string): void => {
  o2cCounter('dealWebhooks').add(1, { outcome: 'refused', reason });
};
