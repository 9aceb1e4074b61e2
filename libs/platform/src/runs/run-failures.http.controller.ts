import { BadRequestException, Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString } from 'class-validator';
import { RequiresScope } from '@o2c/messaging';
import { AdminOnly } from '../http/admin-token.guard';
import { RunFailureRepository, type RunFailureStatus, type RunFailureView } from './run-failure.repository';

/** Injection token of the names of the service's runs. */
export const RUN_NAMES = Symbol('RUN_NAMES');

export class ListRunFailuresRequestDto {
  /** Only this run's failures; every run's of the service without it. */
  @IsOptional()
  @IsString()
  run?: string;

  /** `open` (the default): not processed by any run since; `resolved`: processed by a later run; `all`. */
  @IsOptional()
  @IsIn(['open', 'resolved', 'all'])
  status?: RunFailureStatus;
}

/** Operations' list of what the service's runs could not process, with the reasons; behind ADMIN_TOKEN. */
@ApiTags('runs')
@Controller('v1/admin/run-failures')
@AdminOnly()
export class RunFailuresHttpController {
  constructor(
    private readonly failures: RunFailureRepository,
    @Inject(RUN_NAMES) private readonly runs: readonly string[],
  ) {}

  @Get()
  @RequiresScope('run-failures:read')
  @ApiOperation({
    summary: "What the service's runs could not process, with the reasons (open ones by default)",
  })
  @ApiOkResponse({
    schema: {
      type: 'object',
      required: ['items'],
      properties: {
        items: {
          type: 'array',
          items: {
            type: 'object',
            required: [
              'run',
              'itemId',
              'contractId',
              'asOf',
              'error',
              'code',
              'attempts',
              'firstFailedAt',
              'lastFailedAt',
              'resolvedAt',
            ],
            properties: {
              run: { type: 'string' },
              itemId: { type: 'string', description: 'The contract, or the invoice for overdue' },
              contractId: { type: 'string' },
              asOf: { type: 'string', format: 'date' },
              error: { type: 'string' },
              code: { type: ['string', 'null'] },
              attempts: { type: 'integer' },
              firstFailedAt: { type: 'string', format: 'date-time' },
              lastFailedAt: { type: 'string', format: 'date-time' },
              resolvedAt: { type: ['string', 'null'], format: 'date-time' },
            },
          },
        },
      },
    },
  })
  async list(@Query() query: ListRunFailuresRequestDto): Promise<{ items: RunFailureView[] }> {
    if (query.run !== undefined && !this.runs.includes(query.run)) {
      const message = `run must be one of: ${this.runs.join(', ')}`;
      throw new BadRequestException({
        title: 'Invalid request',
        detail: '1 invalid field',
        errors: [{ path: 'run', message }],
      });
    }
    const items = await this.failures.list({
      ...(query.run === undefined ? {} : { run: query.run }),
      status: query.status ?? 'open',
    });
    return { items };
  }
}
