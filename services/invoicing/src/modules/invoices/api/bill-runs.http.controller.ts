import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
  UseFilters,
} from '@nestjs/common';
import { CLOCK, type Clock } from '@o2c/clock';
import { CalendarDate } from '@o2c/billing';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly, ProblemResponses, RequiresScope } from '@o2c/platform';
import { type Response } from 'express';
import { DataSource } from 'typeorm';
import { billRunStatus } from '../domain/bill-run';
import { InvoicingError, InvoicingErrorCode } from '../domain/invoicing.errors';
import { BillRunRepository, type BillRunRow } from '../infra/bill-run.repository';
import { RunBillRunHandler } from '../usecases/run-bill-run/run-bill-run.handler';
import {
  BillRunRequestDto,
  ListBillRunDocumentsRequestDto,
  ListBillRunsRequestDto,
} from './bill-run.request.dto';
import { InvoicingErrorFilter } from './invoicing-error.filter';

const setAside = {
  type: 'object',
  required: ['error', 'attempts'],
  properties: {
    error: { type: 'string' },
    code: { type: 'string' },
    attempts: { type: 'integer', description: 'Runs in a row it failed in' },
  },
};
const billRunSchema = {
  type: 'object',
  required: ['billRunId', 'asOf', 'status', 'startedAt', 'finishedAt', 'progress', 'documents'],
  properties: {
    billRunId: { type: 'string', format: 'uuid' },
    asOf: { type: 'string', format: 'date' },
    status: {
      type: 'string',
      enum: ['running', 'finished', 'failed', 'interrupted'],
      description:
        'interrupted: it stopped reporting progress without ending (its process stopped); the next run takes the rest',
    },
    startedAt: { type: 'string', format: 'date-time' },
    finishedAt: { type: ['string', 'null'], format: 'date-time' },
    progress: {
      type: 'object',
      description: 'Committed so far',
      properties: {
        contracts: { type: 'integer', description: 'Contracts tried' },
        issued: { type: 'integer', description: 'Documents issued' },
        failed: { type: 'integer', description: 'Contracts set aside' },
      },
    },
    failed: {
      type: 'array',
      description: 'Once ended: the contracts set aside, with the reason',
      items: { allOf: [setAside, { type: 'object', properties: { contractId: { type: 'string' } } }] },
    },
    overdue: {
      type: 'array',
      description: 'Once ended: the invoices it marked overdue',
      items: { type: 'object', properties: { documentId: { type: 'string' }, number: { type: 'string' } } },
    },
    overdueFailed: { type: 'array', description: 'Once ended: invoices it could not mark', items: setAside },
    error: { type: 'string', description: 'Why a failed run stopped' },
    documents: { type: 'string', description: 'Where its documents are listed' },
  },
};
const page = (item: object) => ({
  type: 'object',
  required: ['items', 'nextCursor'],
  properties: { items: { type: 'array', items: item }, nextCursor: { type: ['string', 'null'] } },
});

/** Bill runs as jobs: start one for any date, follow its progress, read what it issued page by page. */
@ApiTags('bill-runs')
@Controller('v1/bill-runs')
@AdminOnly()
@UseFilters(InvoicingErrorFilter)
export class BillRunsHttpController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly handler: RunBillRunHandler,
    private readonly billRuns: BillRunRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Starts a run issuing what is due on or before `asOf` (the daily job runs one for today); 202 with its id. */
  @Post()
  @RequiresScope('billing:run')
  @ApiOperation({
    summary: 'Start a bill run: issue what is due on or before asOf, then mark overdue invoices',
  })
  @ApiAcceptedResponse({ schema: billRunSchema, description: 'Started; Location is where to follow it' })
  @HttpCode(202)
  async start(@Body() body: BillRunRequestDto, @Res({ passthrough: true }) response: Response) {
    const billRunId = await this.handler.start(CalendarDate.parse(body.asOf));
    response.setHeader('location', `/v1/bill-runs/${billRunId}`);
    const run = await this.billRuns.find(this.dataSource.manager, billRunId);
    return this.present(run!);
  }

  @Get()
  @RequiresScope('billing:read')
  @ApiOperation({ summary: 'Bill runs, newest first, a cursor page' })
  @ApiOkResponse({ schema: page(billRunSchema) })
  async list(@Query() query: ListBillRunsRequestDto) {
    const rows = await this.billRuns.list(this.dataSource.manager, query.limit + 1, query.cursor);
    const page = rows.slice(0, query.limit);
    return {
      items: page.map((row) => this.present(row)),
      nextCursor: rows.length > query.limit ? page.at(-1)!.billRunId : null,
    };
  }

  @Get(':id')
  @RequiresScope('billing:read')
  @ApiOperation({ summary: 'A bill run: its status, progress and, once ended, what it set aside' })
  @ApiOkResponse({ schema: billRunSchema })
  @ProblemResponses([404, 'No such bill run'])
  async get(@Param('id', new ParseUUIDPipe()) id: string) {
    return this.present(await this.found(id));
  }

  /** The documents the run issued, in the order it issued them. */
  @Get(':id/documents')
  @RequiresScope('billing:read')
  @ApiOperation({ summary: 'The documents a bill run issued, in the order issued, a cursor page' })
  @ApiOkResponse({
    schema: page({
      type: 'object',
      properties: {
        documentId: { type: 'string', format: 'uuid' },
        number: { type: 'string' },
        kind: { type: 'string', enum: ['invoice', 'credit_note'] },
        issueDate: { type: 'string', format: 'date' },
        contractId: { type: 'string' },
      },
    }),
  })
  @ProblemResponses([404, 'No such bill run'])
  async documents(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() query: ListBillRunDocumentsRequestDto,
  ) {
    await this.found(id);
    const rows = await this.billRuns.documents(this.dataSource.manager, id, query.limit + 1, query.cursor);
    const page = rows.slice(0, query.limit);
    return { items: page, nextCursor: rows.length > query.limit ? page.at(-1)!.documentId : null };
  }

  private async found(id: string): Promise<BillRunRow> {
    const run = await this.billRuns.find(this.dataSource.manager, id);
    if (!run) throw new InvoicingError(InvoicingErrorCode.BillRunNotFound, `Bill run ${id} does not exist`);
    return run;
  }

  private present(run: BillRunRow) {
    return {
      billRunId: run.billRunId,
      asOf: run.asOf,
      status: billRunStatus(run, this.clock.now()),
      startedAt: run.startedAt.toISOString(),
      finishedAt: run.finishedAt?.toISOString() ?? null,
      progress: { contracts: run.contracts, issued: run.issued, failed: run.failed },
      ...(run.outcome ?? {}),
      documents: `/v1/bill-runs/${run.billRunId}/documents`,
    };
  }
}
