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
import { IsIn, IsOptional } from 'class-validator';
import {
  DeadLetterNotFoundError,
  DeadLetters,
  type DeadLetterView,
  type ReplayResult,
} from './dead-letters.service';
import { DeadLettersGuard } from './dead-letters.guard';

export class ListDeadLettersQuery {
  @IsOptional()
  @IsIn(['pending', 'replayed', 'all'])
  status?: 'pending' | 'replayed' | 'all';
}

/** Operations' view of the messages this service could not apply, and their replay; behind the application's admin guard. */
@Controller('v1/admin/dead-letters')
@UseGuards(DeadLettersGuard)
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLetters) {}

  @Get()
  async list(
    @Query(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true })) query: ListDeadLettersQuery,
  ): Promise<{ items: DeadLetterView[] }> {
    return { items: await this.deadLetters.list(query.status ?? 'pending') };
  }

  @Post('replay')
  @HttpCode(200)
  async replayAll(): Promise<{ results: ReplayResult[] }> {
    return { results: await this.deadLetters.replayAll() };
  }

  @Post(':id/replay')
  @HttpCode(200)
  async replay(@Param('id', new ParseUUIDPipe()) id: string): Promise<ReplayResult> {
    try {
      return await this.deadLetters.replay(id);
    } catch (error) {
      if (error instanceof DeadLetterNotFoundError) throw new NotFoundException(error.message);
      throw error;
    }
  }
}
