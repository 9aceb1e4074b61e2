import { Body, Controller, Post, Res, UnprocessableEntityException, UseGuards } from '@nestjs/common';
import { type Response } from 'express';
import { AcceptDealHandler } from '../usecases/accept-deal/accept-deal.handler';
import { DealWebhookRequest } from './deal-webhook.request.dto';
import { WebhookSignatureGuard } from './webhook-signature.guard';

/** Where the CRM (or its middleware) pushes closed deals. */
@Controller('v1/webhooks/deals')
export class DealWebhookHttpController {
  constructor(private readonly acceptDeal: AcceptDealHandler) {}

  @Post()
  @UseGuards(WebhookSignatureGuard)
  async receive(
    @Body() request: DealWebhookRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<object> {
    const reply = await this.acceptDeal.execute(request.deal);
    if (reply.status === 422) {
      throw new UnprocessableEntityException({
        title: 'Deal not billable',
        detail: `${reply.body.reasons.length} reason${reply.body.reasons.length === 1 ? '' : 's'} the deal cannot be billed; it is kept as rejected`,
        code: 'DEALS.NOT_BILLABLE',
        dealId: reply.body.dealId,
        reasons: reply.body.reasons,
      });
    }
    response.status(reply.status);
    return reply.body;
  }
}
