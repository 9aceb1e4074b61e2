import { Body, Controller, Post, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { type Response } from 'express';
import { type DealState, type WebhookDealResult } from '../usecases/accept-deal/accept-deal.command';
import { AcceptDealHandler } from '../usecases/accept-deal/accept-deal.handler';
import { DealsError, DealsErrorCode } from '../domain/deals.errors';
import { type BillabilityProblem, reasonOf } from '../domain/deal';
import { DealsErrorFilter } from './deals-error.filter';
import { DealWebhookRequest } from './deal-webhook.request.dto';
import { DealWebhookReply } from './deal-webhook.response.dto';
import { ApiProblems, NotBillableProblemResponse } from './problem.response.dto';
import { WebhookSignatureGuard } from './webhook-signature.guard';

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

/** Where the CRM (or its middleware) pushes closed deals. */
@ApiTags('webhooks')
@Controller('v1/webhooks/deals')
@UseFilters(DealsErrorFilter)
export class DealWebhookHttpController {
  constructor(private readonly acceptDeal: AcceptDealHandler) {}

  @Post()
  @UseGuards(WebhookSignatureGuard)
  @ApiOperation({
    summary: 'Take a closed deal from the CRM (deal-webhook.md)',
    description:
      'Signed as Standard Webhooks says. The same deal id and revision again changes nothing and gets the ' +
      'same answer: 200 with the first body for an accepted or held deal, 422 with the same problem for a ' +
      'rejected one (as the deal stands: after a replay accepted it, 200 with the accepted body). The body ' +
      'must be JSON sent as application/json; anything else is a 400 naming the body.',
  })
  @ApiHeader({ name: 'webhook-id', required: true, description: 'Unique message id' })
  @ApiHeader({
    name: 'webhook-timestamp',
    required: true,
    description: 'Unix seconds; at most 5 minutes off',
  })
  @ApiHeader({
    name: 'webhook-signature',
    required: true,
    description: '`v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`, several separated by spaces',
  })
  @ApiBody({ type: DealWebhookRequest })
  @ApiResponse({
    status: 202,
    type: DealWebhookReply,
    description: 'Accepted, or held until the deal it amends is accepted',
  })
  @ApiResponse({ status: 200, type: DealWebhookReply, description: 'The same deal id and revision again' })
  @ApiProblems(
    [
      400,
      'Not JSON (or not sent as application/json: `errors` names the body), or wrong shape or types: one ' +
        'entry per invalid field; nothing is stored',
    ],
    [401, 'Bad or missing signature, stale timestamp'],
    [413, 'Body over 1 MiB'],
    [
      422,
      'Well-formed but not billable: every reason; the deal is kept as rejected',
      NotBillableProblemResponse,
    ],
  )
  async receive(
    @Body() request: DealWebhookRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<DealWebhookReply> {
    const reply = webhookReply(await this.acceptDeal.execute({ source: 'webhook', deal: request.deal }));
    response.status(reply.status);
    return reply.body;
  }
}
