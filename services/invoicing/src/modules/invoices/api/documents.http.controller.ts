import { Controller, Get, Param, ParseUUIDPipe, Query, UseFilters } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly, ProblemResponses, RequiresScope } from '@o2c/platform';
import { amountDue } from '../domain/settlement';
import { type DocumentView } from '../infra/document.repository';
import { GetDocumentHandler } from '../usecases/get-document/get-document.handler';
import { ListDocumentsHandler } from '../usecases/list-documents/list-documents.handler';
import { InvoicingErrorFilter } from './invoicing-error.filter';
import { ListDocumentsRequestDto } from './list-documents.request.dto';

/** The document as issued, with its status; an invoice also with what was paid, credited and is still due. */
function present(document: DocumentView) {
  if (document.kind === 'credit_note') return { ...document.data, status: document.status };
  return {
    ...document.data,
    status: document.status,
    amountPaidMinor: document.paidMinor.toString(),
    amountCreditedMinor: document.creditedMinor.toString(),
    amountDueMinor: amountDue({
      currency: document.currency,
      totalMinor: document.totalMinor,
      paidMinor: document.paidMinor,
      creditedMinor: document.creditedMinor,
    }).toString(),
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
const pageSchema = (item: object) => ({
  type: 'object',
  required: ['items', 'nextCursor'],
  properties: { items: { type: 'array', items: item }, nextCursor: { type: ['string', 'null'] } },
});

const page = ({ items, nextCursor }: { items: DocumentView[]; nextCursor: string | null }) => ({
  items: items.map(present),
  nextCursor,
});

/** Issued invoices and credit notes, newest first: the query handlers read them, this maps them to the answer. */
@ApiTags('invoices')
@Controller()
@AdminOnly()
@UseFilters(InvoicingErrorFilter)
export class DocumentsHttpController {
  constructor(
    private readonly listDocuments: ListDocumentsHandler,
    private readonly getDocument: GetDocumentHandler,
  ) {}

  @Get('v1/invoices')
  @RequiresScope('invoices:read')
  @ApiOperation({ summary: 'Invoices, newest first, a cursor page' })
  @ApiOkResponse({ schema: pageSchema(invoiceSchema) })
  async listInvoices(@Query() query: ListDocumentsRequestDto) {
    return page(await this.listDocuments.execute('invoice', query));
  }

  @Get('v1/invoices/:id')
  @RequiresScope('invoices:read')
  @ApiOperation({ summary: 'An invoice as issued, with its status and what is paid, credited and due' })
  @ApiOkResponse({ schema: invoiceSchema })
  @ProblemResponses([404, 'No such invoice'])
  async getInvoice(@Param('id', new ParseUUIDPipe()) id: string) {
    return present(await this.getDocument.execute('invoice', id));
  }

  @Get('v1/credit-notes')
  @RequiresScope('invoices:read')
  @ApiOperation({ summary: 'Credit notes, newest first, a cursor page' })
  @ApiOkResponse({ schema: pageSchema(creditNoteSchema) })
  async listCreditNotes(@Query() query: ListDocumentsRequestDto) {
    return page(await this.listDocuments.execute('credit_note', query));
  }

  @Get('v1/credit-notes/:id')
  @RequiresScope('invoices:read')
  @ApiOperation({ summary: 'A credit note as issued' })
  @ApiOkResponse({ schema: creditNoteSchema })
  @ProblemResponses([404, 'No such credit note'])
  async getCreditNote(@Param('id', new ParseUUIDPipe()) id: string) {
    return present(await this.getDocument.execute('credit_note', id));
  }
}
