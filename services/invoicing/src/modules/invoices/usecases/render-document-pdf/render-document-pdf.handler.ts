import { Injectable } from '@nestjs/common';
import { type CreditNoteIssuedV1, type InvoiceIssuedV1 } from '@o2c/contracts';
import { DataSource } from 'typeorm';
import { InvoicingError, InvoicingErrorCode } from '../../domain/invoicing.errors';
import { renderDocumentPdf } from '../../infra/document-pdf.mapper';

export interface RenderedPdf {
  number: string;
  pdf: Buffer;
}

/** The PDF of an issued invoice or credit note, made from the document as issued (which never changes). */
@Injectable()
export class RenderDocumentPdfHandler {
  constructor(private readonly dataSource: DataSource) {}

  async execute(kind: 'invoice' | 'credit_note', documentId: string): Promise<RenderedPdf> {
    const [row] = await this.dataSource.query<{ data: InvoiceIssuedV1 | CreditNoteIssuedV1 }[]>(
      `SELECT data FROM document WHERE document_id = $1 AND kind = $2`,
      [documentId, kind],
    );
    if (!row) {
      throw kind === 'invoice'
        ? new InvoicingError(InvoicingErrorCode.InvoiceNotFound, `Invoice ${documentId} does not exist`)
        : new InvoicingError(
            InvoicingErrorCode.CreditNoteNotFound,
            `Credit note ${documentId} does not exist`,
          );
    }
    const pdf =
      kind === 'invoice'
        ? await renderDocumentPdf({ kind, data: row.data as InvoiceIssuedV1 })
        : await renderDocumentPdf({ kind, data: row.data as CreditNoteIssuedV1 });
    return { number: row.data.number, pdf };
  }
}
