import { Body, Controller, HttpCode, Post, UseFilters } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly, RequiresScope } from '@o2c/platform';
import { PreviewDealHandler } from '../usecases/preview-deal/preview-deal.handler';
import { DealPreviewResponse } from './deal-preview.response.dto';
import { notBillableProblem } from './deal-webhook-reply.mapper';
import { DealWebhookRequest } from './deal-webhook.request.dto';
import { DealsErrorFilter } from './deals-error.filter';
import { ApiProblems, NotBillableProblemResponse } from './problem.response.dto';

/** A deal billed on paper before it is signed (issue "Preview before signature"). */
@ApiTags('preview')
@ApiBearerAuth('admin')
@Controller('v1/deals/preview')
@AdminOnly()
@UseFilters(DealsErrorFilter)
export class DealPreviewHttpController {
  constructor(private readonly previewDeal: PreviewDealHandler) {}

  @Post()
  @RequiresScope('deals:preview')
  @HttpCode(200)
  @ApiOperation({
    summary: 'The billing schedule a deal would make, with tax and each line explained; stores nothing',
    description:
      'Takes the body of POST /v1/webhooks/deals, unsigned, and checks it as the webhook does. A new deal: ' +
      'every invoice of its term and, when it renews automatically, of its first renewal. An amendment, ' +
      'cancellation or renewal: the contract rebuilt from its accepted deals, the deal applied, and the ' +
      'documents from its effective date on (its own and every later one), with those the contract had ' +
      'without it. Nothing is stored and no event is emitted.',
  })
  @ApiBody({ type: DealWebhookRequest })
  @ApiOkResponse({ type: DealPreviewResponse })
  @ApiProblems(
    [400, 'Not JSON, or wrong shape or types: one entry per invalid field'],
    [401, 'No or wrong admin token'],
    [413, 'Body over 1 MiB'],
    [
      422,
      'Not billable, or billing cannot apply it: every reason (nothing is kept)',
      NotBillableProblemResponse,
    ],
  )
  async preview(@Body() request: DealWebhookRequest): Promise<DealPreviewResponse> {
    const result = await this.previewDeal.execute({ deal: request.deal });
    if (!result.ok) throw notBillableProblem(request.deal.id, result.problems, 'nothing is kept');
    return DealPreviewResponse.of(result.preview);
  }
}
