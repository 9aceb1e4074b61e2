import {
  Body,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
} from '@nestjs/common';
import { CalendarDate } from '@o2c/billing';
import { DataSource } from 'typeorm';
import { RunBillRunHandler } from '../usecases/run-bill-run/run-bill-run.handler';
import { BillRunRequestDto } from './bill-run.request.dto';
import { ListDocumentsRequestDto } from './list-documents.request.dto';

type Kind = 'invoice' | 'credit_note';

interface DocumentRow {
  document_id: string;
  status: string;
  paid_minor: string;
  data: Record<string, unknown>;
}

function present(row: DocumentRow) {
  return { ...row.data, status: row.status, amountPaidMinor: row.paid_minor };
}

/** Issued invoices and credit notes, newest first, and the bill run for any date. */
@Controller()
export class DocumentsHttpController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly billRuns: RunBillRunHandler,
  ) {}

  @Get('v1/invoices')
  listInvoices(@Query() query: ListDocumentsRequestDto) {
    return this.list('invoice', query);
  }

  @Get('v1/invoices/:id')
  getInvoice(@Param('id', new ParseUUIDPipe()) id: string) {
    return this.one('invoice', id);
  }

  @Get('v1/credit-notes')
  listCreditNotes(@Query() query: ListDocumentsRequestDto) {
    return this.list('credit_note', query);
  }

  @Get('v1/credit-notes/:id')
  getCreditNote(@Param('id', new ParseUUIDPipe()) id: string) {
    return this.one('credit_note', id);
  }

  /** Issues what is due on or before `asOf`; the daily job runs it for today. */
  @Post('v1/bill-runs')
  @HttpCode(200)
  async runBill(@Body() body: BillRunRequestDto) {
    return this.billRuns.execute(CalendarDate.parse(body.asOf));
  }

  private async one(kind: Kind, id: string) {
    const [row] = await this.dataSource.query<DocumentRow[]>(
      `SELECT document_id, status, paid_minor::text, data FROM document WHERE document_id = $1 AND kind = $2`,
      [id, kind],
    );
    if (!row)
      throw new NotFoundException(`${kind === 'invoice' ? 'Invoice' : 'Credit note'} ${id} does not exist`);
    return present(row);
  }

  private async list(kind: Kind, query: ListDocumentsRequestDto) {
    const conditions = ['kind = $1'];
    const values: unknown[] = [kind];
    const add = (sql: string, value: unknown) => {
      values.push(value);
      conditions.push(sql.replace('?', `$${values.length}`));
    };
    if (query.accountId !== undefined) add('account_id = ?', query.accountId);
    if (query.contractId !== undefined) add('contract_id = ?', query.contractId);
    if (query.status !== undefined) add('status = ?', query.status);
    if (query.from !== undefined) add('issue_date >= ?::date', query.from);
    if (query.to !== undefined) add('issue_date <= ?::date', query.to);
    if (query.cursor !== undefined) add('document_id < ?::uuid', query.cursor);
    values.push(query.limit + 1);
    const rows = await this.dataSource.query<DocumentRow[]>(
      `SELECT document_id, status, paid_minor::text, data FROM document WHERE ${conditions.join(' AND ')}
        ORDER BY document_id DESC LIMIT $${values.length}`,
      values,
    );
    const page = rows.slice(0, query.limit);
    return {
      items: page.map(present),
      nextCursor: rows.length > query.limit ? page.at(-1)!.document_id : null,
    };
  }
}
