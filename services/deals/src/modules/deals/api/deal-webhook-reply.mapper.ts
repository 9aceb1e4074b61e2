import { type BillabilityProblem, reasonOf } from '../domain/deal';
import { DealsError, DealsErrorCode } from '../domain/deals.errors';
import { type DealState, type WebhookDealResult } from '../usecases/accept-deal/accept-deal.command';
import { type DealWebhookReply } from './deal-webhook.response.dto';

// The answers every intake endpoint gives (the canonical webhook, the CRM adapters, the preview's 422), in one
// file of their own so that the CRM module shares them without importing a controller.

/** The 422 problem of a deal that cannot be billed: every reason, and `outcome`, what became of the deal. */
export function notBillableProblem(
  dealId: string,
  problems: readonly BillabilityProblem[],
  outcome: string,
): DealsError {
  const n = problems.length;
  return new DealsError(
    DealsErrorCode.NotBillable,
    `${n} reason${n === 1 ? '' : 's'} the deal cannot be billed; ${outcome}`,
    {
      dealId,
      reasons: problems.map(reasonOf),
      errors: problems.map((p) => ({ path: `deal.${p.path}`, message: p.message })),
    },
  );
}

/** The 422 of a rejected deal: the same problem the first time and on every repeat of its deal id and revision. */
export function notBillable(deal: DealState): DealsError {
  return notBillableProblem(deal.dealId, deal.problems, 'it is kept as rejected');
}

/**
 * The answer to a deal taken in by intake, the same at every intake endpoint (the canonical webhook and
 * the CRM adapters; docs/deals.md): 202 the first time a deal id and revision is decided, 200 with the
 * same body for a repeat; for a rejected deal, first time or repeat, the 422 problem (thrown, for
 * `DealsErrorFilter` to answer).
 */
export function webhookReply(result: WebhookDealResult): { status: 200 | 202; body: DealWebhookReply } {
  const { outcome, deal } = result;
  if (deal.status === 'rejected') throw notBillable(deal);
  return {
    status: outcome === 'decided' ? 202 : 200,
    body: { dealId: deal.dealId, status: deal.status, contractId: deal.contractId },
  };
}
