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
import { CalendarDate } from '@o2c/billing';
import { CLOCK, type Clock } from '@o2c/contracts';
import { AdminOnly } from '@o2c/platform';
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

/** Bill runs as jobs: start one for any date, follow its progress, read what it issued page by page. */
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
  @HttpCode(202)
  async start(@Body() body: BillRunRequestDto, @Res({ passthrough: true }) response: Response) {
    const billRunId = await this.handler.start(CalendarDate.parse(body.asOf));
    response.setHeader('location', `/v1/bill-runs/${billRunId}`);
    const run = await this.billRuns.find(this.dataSource.manager, billRunId);
    return this.present(run!);
  }

  @Get()
  async list(@Query() query: ListBillRunsRequestDto) {
    const rows = await this.billRuns.list(this.dataSource.manager, query.limit + 1, query.cursor);
    const page = rows.slice(0, query.limit);
    return {
      items: page.map((row) => this.present(row)),
      nextCursor: rows.length > query.limit ? page.at(-1)!.billRunId : null,
    };
  }

  @Get(':id')
  async get(@Param('id', new ParseUUIDPipe()) id: string) {
    return this.present(await this.found(id));
  }

  /** The documents the run issued, in the order it issued them. */
  @Get(':id/documents')
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
