import {
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  UseGuards,
  ValidationPipe,
} from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import {
  DeadLetterNotFoundError,
  DeadLetters,
  type DeadLetterView,
  type ReplayResult,
} from './dead-letters.service';
import { RequiresScope } from '../required-scope';
import { DeadLettersGuard } from './dead-letters.guard';

export class ListDeadLettersQuery {
  @IsOptional()
  @IsIn(['pending', 'replayed', 'all'])
  status?: 'pending' | 'replayed' | 'all';
}

const nullable = (type: string) => ({ type: [type, 'null'] });
const DEAD_LETTER = {
  type: 'object',
  required: ['id', 'consumerGroup', 'topic', 'partition', 'offset', 'error', 'attempts', 'deadLetteredAt'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    consumerGroup: { type: 'string' },
    topic: { type: 'string' },
    partition: { type: 'integer' },
    offset: { type: 'string' },
    eventId: nullable('string'),
    type: nullable('string'),
    key: nullable('string'),
    error: { type: 'string' },
    attempts: { type: 'integer' },
    deadLetteredAt: { type: 'string', format: 'date-time' },
    replayedAt: { type: ['string', 'null'], format: 'date-time' },
    lastReplayError: nullable('string'),
  },
};
const REPLAY_RESULT = {
  type: 'object',
  required: ['id', 'outcome'],
  properties: { id: { type: 'string' }, outcome: { type: 'string' }, error: { type: 'string' } },
};

/** Operations' view of the messages this service could not apply, and their replay; behind the application's admin guard. */
@ApiTags('dead letters')
@Controller('v1/admin/dead-letters')
@UseGuards(DeadLettersGuard)
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLetters) {}

  @Get()
  @RequiresScope('dead-letters:read')
  @ApiOperation({ summary: 'The events this service could not apply, with the error and the attempts' })
  @ApiOkResponse({
    schema: {
      type: 'object',
      required: ['items'],
      properties: { items: { type: 'array', items: DEAD_LETTER } },
    },
  })
  async list(
    @Query(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true })) query: ListDeadLettersQuery,
  ): Promise<{ items: DeadLetterView[] }> {
    return { items: await this.deadLetters.list(query.status ?? 'pending') };
  }

  @Post('replay')
  @RequiresScope('dead-letters:replay')
  @HttpCode(200)
  @ApiOperation({ summary: 'Apply every pending dead letter again, each once' })
  @ApiOkResponse({
    schema: {
      type: 'object',
      required: ['results'],
      properties: { results: { type: 'array', items: REPLAY_RESULT } },
    },
  })
  async replayAll(): Promise<{ results: ReplayResult[] }> {
    return { results: await this.deadLetters.replayAll() };
  }

  @Post(':id/replay')
  @RequiresScope('dead-letters:replay')
  @HttpCode(200)
  @ApiOperation({ summary: 'Apply one dead letter again' })
  @ApiOkResponse({ schema: REPLAY_RESULT })
  @ApiResponse({
    status: 404,
    description: 'No such dead letter',
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
  })
  async replay(@Param('id', new ParseUUIDPipe()) id: string): Promise<ReplayResult> {
    try {
      return await this.deadLetters.replay(id);
    } catch (error) {
      if (error instanceof DeadLetterNotFoundError) throw new NotFoundException(error.message);
      throw error;
    }
  }
}
