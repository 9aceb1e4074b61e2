import { Body, Controller, Post, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { type Response } from 'express';
import { AcceptDealHandler } from '../usecases/accept-deal/accept-deal.handler';
import { webhookReply } from './deal-webhook-reply.mapper';
import { DealsErrorFilter } from './deals-error.filter';
import { DealWebhookRequest } from './deal-webhook.request.dto';
import { DealWebhookReply } from './deal-webhook.response.dto';
import { ApiProblems, NotBillableProblemResponse } from './problem.response.dto';
import { WebhookSignatureGuard } from './webhook-signature.guard';

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
      429,
      'DEALS.RATE_LIMITED: more than RATE_LIMIT_WEBHOOKS_PER_MINUTE from this client address; `Retry-After` ' +
        'says when to send again; nothing is stored',
    ],
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
