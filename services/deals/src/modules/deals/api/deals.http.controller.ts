import { Body, Controller, Get, HttpCode, Param, Post, Query, UseFilters } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly, RequiresScope } from '@o2c/platform';
import { DealsError, DealsErrorCode } from '../domain/deals.errors';
import { GetDealHandler } from '../usecases/get-deal/get-deal.handler';
import { ListDealsHandler } from '../usecases/list-deals/list-deals.handler';
import { ReplayDealsHandler } from '../usecases/replay-deals/replay-deals.handler';
import {
  DealAttemptResponse,
  DealDetailResponse,
  DealPageResponse,
  DealSummaryResponse,
  ReplayResultResponse,
  ReplayResultsResponse,
} from './deal.response.dto';
import { DealsErrorFilter } from './deals-error.filter';
import { ListDealsQuery } from './list-deals.request.dto';
import { ApiProblems } from './problem.response.dto';
import { ReplayDealsRequest } from './replay-deals.request.dto';

const notFound = (dealId: string) =>
  new DealsError(DealsErrorCode.DealNotFound, `no deal ${dealId} is known`);

/** The exception queue: deals by status, each with its history, and their replay once the cause is fixed. */
@ApiTags('exception queue')
@ApiBearerAuth('admin')
@ApiProblems([401, 'No or wrong admin token'])
@Controller('v1/deals')
@AdminOnly()
@UseFilters(DealsErrorFilter)
export class DealsHttpController {
  constructor(
    private readonly listDeals: ListDealsHandler,
    private readonly getDeal: GetDealHandler,
    private readonly replayDeals: ReplayDealsHandler,
  ) {}

  @Get()
  @RequiresScope('deals:read')
  @ApiOperation({ summary: 'Deals by status, newest first (the newest revision of each)' })
  @ApiOkResponse({ type: DealPageResponse })
  @ApiProblems([400, 'A bad query parameter, named'])
  async list(@Query() query: ListDealsQuery): Promise<DealPageResponse> {
    const page = await this.listDeals.execute({
      status: query.status,
      limit: query.limit ?? 50,
      cursor: query.cursor,
    });
    return { items: page.items.map((r) => DealSummaryResponse.of(r)), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @RequiresScope('deals:read')
  @ApiOperation({
    summary: 'A deal: its normalised body, status, reasons, and every attempt at every revision',
  })
  @ApiOkResponse({ type: DealDetailResponse })
  @ApiProblems([404, 'No such deal'])
  async get(@Param('id') dealId: string): Promise<DealDetailResponse> {
    const found = await this.getDeal.execute(dealId);
    if (!found) throw notFound(dealId);
    return {
      ...DealSummaryResponse.of(found.record),
      deal: found.record.deal,
      history: found.history.map((a) => DealAttemptResponse.of(a)),
    };
  }

  @Post('replay')
  @RequiresScope('deals:replay')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Replay deals: the given ids, or every deal with a status',
    description: 'Each deal in its own transaction, through the same checks and idempotency as the webhook.',
  })
  @ApiOkResponse({ type: ReplayResultsResponse })
  @ApiProblems([400, 'Neither or both of ids and status, or a bad value'])
  async replayMany(@Body() request: ReplayDealsRequest): Promise<ReplayResultsResponse> {
    const results = await this.replayDeals.execute(
      request.ids !== undefined ? { ids: request.ids } : { status: request.status! },
    );
    return { results: results.map((r) => ReplayResultResponse.of(r)) };
  }

  @Post(':id/replay')
  @RequiresScope('deals:replay')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Replay one deal once its cause is fixed',
    description:
      'A rejected or held deal is decided again (accepted: its o2c.deal.closed.v1 is emitted once); ' +
      'an accepted deal stays as it is (`unchanged`).',
  })
  @ApiOkResponse({ type: ReplayResultResponse })
  @ApiProblems([404, 'No such deal'])
  async replayOne(@Param('id') dealId: string): Promise<ReplayResultResponse> {
    const [result] = await this.replayDeals.execute({ ids: [dealId] });
    if (!result || result.outcome === 'not_found') throw notFound(dealId);
    return ReplayResultResponse.of(result);
  }
}
