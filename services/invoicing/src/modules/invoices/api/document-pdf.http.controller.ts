import { Controller, Get, Param, ParseUUIDPipe, StreamableFile, UseFilters } from '@nestjs/common';
import { AdminOnly } from '@o2c/platform';
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
@Controller()
@AdminOnly()
@UseFilters(InvoicingErrorFilter)
export class DocumentPdfHttpController {
  constructor(private readonly render: RenderDocumentPdfHandler) {}

  @Get('v1/invoices/:id/pdf')
  async invoice(@Param('id', new ParseUUIDPipe()) id: string): Promise<StreamableFile> {
    return file(await this.render.execute('invoice', id));
  }

  @Get('v1/credit-notes/:id/pdf')
  async creditNote(@Param('id', new ParseUUIDPipe()) id: string): Promise<StreamableFile> {
    return file(await this.render.execute('credit_note', id));
  }
}
