import { Controller, Get, Param, ParseUUIDPipe, Query, UseFilters } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly, ProblemResponses, RequiresScope } from '@o2c/platform';
import { DataSource } from 'typeorm';
import { InvoicingError, InvoicingErrorCode } from '../domain/invoicing.errors';
import { amountDue } from '../domain/settlement';
import { InvoicingErrorFilter } from './invoicing-error.filter';
import { ListDocumentsRequestDto } from './list-documents.request.dto';

type Kind = 'invoice' | 'credit_note';

interface DocumentRow {
  document_id: string;
  kind: Kind;
  status: string;
  currency: string;
  total_minor: string;
  paid_minor: string;
  credited_minor: string;
  data: Record<string, unknown>;
}

const COLUMNS = `document_id, kind, status, currency, total_minor::text, paid_minor::text, credited_minor::text, data`;

/** The document as issued, with its status; an invoice also with what was paid, credited and is still due. */
function present(row: DocumentRow) {
  if (row.kind === 'credit_note') return { ...row.data, status: row.status };
  const balance = {
    currency: row.currency,
    totalMinor: BigInt(row.total_minor),
    paidMinor: BigInt(row.paid_minor),
    creditedMinor: BigInt(row.credited_minor),
  };
  return {
    ...row.data,
    status: row.status,
    amountPaidMinor: row.paid_minor,
    amountCreditedMinor: row.credited_minor,
    amountDueMinor: amountDue(balance).toString(),
  };
}

const invoiceSchema = {
  allOf: [
    { $ref: '#/components/schemas/InvoiceIssuedV1' },
    {
      type: 'object',
      properties: {
        status: { type: 'string', enum: ['open', 'overdue', 'paid', 'issued'] },
        amountPaidMinor: { type: 'string', description: 'Invoices only' },
        amountCreditedMinor: { type: 'string', description: 'Invoices only' },
        amountDueMinor: { type: 'string', description: 'Invoices only' },
      },
    },
  ],
};
const creditNoteSchema = {
  allOf: [
    { $ref: '#/components/schemas/CreditNoteIssuedV1' },
    {
      type: 'object',
      properties: {
        status: { type: 'string', enum: ['open', 'overdue', 'paid', 'issued'] },
        amountPaidMinor: { type: 'string', description: 'Invoices only' },
        amountCreditedMinor: { type: 'string', description: 'Invoices only' },
        amountDueMinor: { type: 'string', description: 'Invoices only' },
      },
    },
  ],
};
const page = (item: object) => ({
  type: 'object',
  required: ['items', 'nextCursor'],
  properties: { items: { type: 'array', items: item }, nextCursor: { type: ['string', 'null'] } },
});

/** Issued invoices and credit notes, newest first. */
@ApiTags('invoices')
@Controller()
@AdminOnly()
@UseFilters(InvoicingErrorFilter)
export class DocumentsHttpController {
  constructor(private readonly dataSource: DataSource) {}

  @Get('v1/invoices')
  @RequiresScope('invoices:read')
  @ApiOperation({ summary: 'Invoices, newest first, a cursor page' })
  @ApiOkResponse({ schema: page(invoiceSchema) })
  listInvoices(@Query() query: ListDocumentsRequestDto) {
    return this.list('invoice', query);
  }

  @Get('v1/invoices/:id')
  @RequiresScope('invoices:read')
  @ApiOperation({ summary: 'An invoice as issued, with its status and what is paid, credited and due' })
  @ApiOkResponse({ schema: invoiceSchema })
  @ProblemResponses([404, 'No such invoice'])
  getInvoice(@Param('id', new ParseUUIDPipe()) id: string) {
    return this.one('invoice', id);
  }

  @Get('v1/credit-notes')
  @RequiresScope('invoices:read')
  @ApiOperation({ summary: 'Credit notes, newest first, a cursor page' })
  @ApiOkResponse({ schema: page(creditNoteSchema) })
  listCreditNotes(@Query() query: ListDocumentsRequestDto) {
    return this.list('credit_note', query);
  }

  @Get('v1/credit-notes/:id')
  @RequiresScope('invoices:read')
  @ApiOperation({ summary: 'A credit note as issued' })
  @ApiOkResponse({ schema: creditNoteSchema })
  @ProblemResponses([404, 'No such credit note'])
  getCreditNote(@Param('id', new ParseUUIDPipe()) id: string) {
    return this.one('credit_note', id);
  }

  private async one(kind: Kind, id: string) {
    const [row] = await this.dataSource.query<DocumentRow[]>(
      `SELECT ${COLUMNS} FROM document WHERE document_id = $1 AND kind = $2`,
      [id, kind],
    );
    if (!row) {
      throw kind === 'invoice'
        ? new InvoicingError(InvoicingErrorCode.InvoiceNotFound, `Invoice ${id} does not exist`)
        : new InvoicingError(InvoicingErrorCode.CreditNoteNotFound, `Credit note ${id} does not exist`);
    }
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
      `SELECT ${COLUMNS} FROM document WHERE ${conditions.join(' AND ')}
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
