import { Controller, Get, Param, ParseUUIDPipe, StreamableFile, UseFilters } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { AdminOnly, ProblemResponses, RequiresScope } from '@o2c/platform';
import {
  RenderDocumentPdfHandler,
  type RenderedPdf,
} from '../usecases/render-document-pdf/render-document-pdf.handler';
import { InvoicingErrorFilter } from './invoicing-error.filter';

function file({ number, pdf }: RenderedPdf): StreamableFile {
  return new StreamableFile(pdf, {
    type: 'application/pdf',
    disposition: `inline; filename="${number}.pdf"`,
    length: pdf.length,
  });
}

/** The printable PDF of an invoice or a credit note. */
@ApiTags('invoices')
@Controller()
@AdminOnly()
@UseFilters(InvoicingErrorFilter)
export class DocumentPdfHttpController {
  constructor(private readonly render: RenderDocumentPdfHandler) {}

  @Get('v1/invoices/:id/pdf')
  @RequiresScope('invoices:read')
  @ApiOperation({ summary: 'The printable PDF of an invoice' })
  @ApiProduces('application/pdf')
  @ApiOkResponse({
    description: 'The PDF',
    content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
  })
  @ProblemResponses([404, 'No such invoice'])
  async invoice(@Param('id', new ParseUUIDPipe()) id: string): Promise<StreamableFile> {
    return file(await this.render.execute('invoice', id));
  }

  @Get('v1/credit-notes/:id/pdf')
  @RequiresScope('invoices:read')
  @ApiOperation({ summary: 'The printable PDF of a credit note' })
  @ApiProduces('application/pdf')
  @ApiOkResponse({
    description: 'The PDF',
    content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
  })
  @ProblemResponses([404, 'No such credit note'])
  async creditNote(@Param('id', new ParseUUIDPipe()) id: string): Promise<StreamableFile> {
    return file(await this.render.execute('credit_note', id));
  }
}
