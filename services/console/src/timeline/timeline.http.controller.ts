import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { OperatorCredential } from '../gateway/operator-credential';
import { GatherTimeline, type TimelineAnswer } from './gather-timeline';
import { STAGES } from './timeline';
import { TimelineRequestDto } from './timeline.request.dto';

const problem = {
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
};

export const timelineSchema = {
  type: 'object',
  required: ['id', 'matched', 'accountId', 'contractIds', 'dealIds', 'entries', 'stuck'],
  properties: {
    id: { type: 'string' },
    matched: { type: 'string', enum: ['deal', 'contract', 'account', 'invoice', 'credit_note'] },
    accountId: { type: ['string', 'null'] },
    contractIds: { type: 'array', items: { type: 'string' } },
    dealIds: { type: 'array', items: { type: 'string' } },
    entries: {
      type: 'array',
      description: 'In the order of the stages, each stage by time',
      items: {
        type: 'object',
        required: ['stage', 'at', 'status', 'tone', 'title'],
        properties: {
          stage: { type: 'string', enum: [...STAGES] },
          at: { type: 'string', description: 'date-time, or the date of a document' },
          status: {
            type: 'string',
            description: "The service's status: accepted, rejected, open, paid, delivered...",
          },
          tone: { type: 'string', enum: ['done', 'waiting', 'stuck'] },
          title: { type: 'string' },
          detail: { type: 'string' },
          reasons: {
            type: 'array',
            items: {
              type: 'object',
              properties: { field: { type: ['string', 'null'] }, message: { type: 'string' } },
            },
          },
          ref: {
            type: 'object',
            properties: { service: { type: 'string' }, kind: { type: 'string' }, id: { type: 'string' } },
          },
        },
      },
    },
    stuck: {
      description: 'The first place where the deal waits for a person, or null',
      oneOf: [
        { type: 'null' },
        {
          type: 'object',
          properties: {
            stage: { type: 'string', enum: [...STAGES] },
            since: { type: 'string' },
            reason: { type: 'string' },
          },
        },
      ],
    },
  },
};

@ApiTags('timeline')
@Controller('api')
export class TimelineHttpController {
  constructor(private readonly gather: GatherTimeline) {}

  @Get('timeline')
  @ApiOperation({
    summary:
      "A deal's way through o2c, from any of its ids: webhook, contract versions, documents, licences, deliveries",
  })
  @ApiOkResponse({ schema: timelineSchema })
  @ApiResponse({ status: 400, description: 'No id, or a bad one', ...problem })
  @ApiResponse({ status: 401, description: 'No operations token, or one a service refused', ...problem })
  @ApiResponse({ status: 404, description: 'Nothing is known by that id', ...problem })
  @ApiResponse({ status: 502, description: 'A service is not answering (named in `service`)', ...problem })
  @ApiResponse({
    status: 504,
    description: 'A service did not answer in time (named in `service`)',
    ...problem,
  })
  timeline(
    @Query() query: TimelineRequestDto,
    @OperatorCredential() authorization: string,
  ): Promise<TimelineAnswer> {
    return this.gather.execute(query.id, authorization);
  }
}
