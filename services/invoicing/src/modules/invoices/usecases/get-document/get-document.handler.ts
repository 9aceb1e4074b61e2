import { Injectable } from '@nestjs/common';
import { InvoicingError, InvoicingErrorCode } from '../../domain/invoicing.errors';
import { type DocumentKind, DocumentRepository, type DocumentView } from '../../infra/document.repository';

/** One issued invoice or credit note with its status and balance; an unknown id is an `INVOICING.*_NOT_FOUND`. */
@Injectable()
export class GetDocumentHandler {
  constructor(private readonly documents: DocumentRepository) {}

  async execute(kind: DocumentKind, documentId: string): Promise<DocumentView> {
    const document = await this.documents.one(kind, documentId);
    if (document) return document;
    throw kind === 'invoice'
      ? new InvoicingError(InvoicingErrorCode.InvoiceNotFound, `Invoice ${documentId} does not exist`)
      : new InvoicingError(InvoicingErrorCode.CreditNoteNotFound, `Credit note ${documentId} does not exist`);
  }
}
