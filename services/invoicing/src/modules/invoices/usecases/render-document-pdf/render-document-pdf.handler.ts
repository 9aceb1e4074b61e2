import { Injectable } from '@nestjs/common';
import { type CreditNoteIssuedV1, type InvoiceIssuedV1 } from '@o2c/contracts';
import { InvoicingError, InvoicingErrorCode } from '../../domain/invoicing.errors';
import { DocumentRepository } from '../../infra/document.repository';
import { renderDocumentPdf } from '../../infra/document-pdf.mapper';

export interface RenderedPdf {
  number: string;
  pdf: Buffer;
}

/** The PDF of an issued invoice or credit note, made from the document as issued (which never changes). */
@Injectable()
export class RenderDocumentPdfHandler {
  constructor(private readonly documents: DocumentRepository) {}

  async execute(kind: 'invoice' | 'credit_note', documentId: string): Promise<RenderedPdf> {
    const data = await this.documents.issued(kind, documentId);
    if (!data) {
      throw kind === 'invoice'
        ? new InvoicingError(InvoicingErrorCode.InvoiceNotFound, `Invoice ${documentId} does not exist`)
        : new InvoicingError(
            InvoicingErrorCode.CreditNoteNotFound,
            `Credit note ${documentId} does not exist`,
          );
    }
    const pdf =
      kind === 'invoice'
        ? await renderDocumentPdf({ kind, data: data as InvoiceIssuedV1 })
        : await renderDocumentPdf({ kind, data: data as CreditNoteIssuedV1 });
    return { number: data.number, pdf };
  }
}
