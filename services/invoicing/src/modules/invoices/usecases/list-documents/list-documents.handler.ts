import { Injectable } from '@nestjs/common';
import {
  type DocumentFilter,
  type DocumentKind,
  DocumentRepository,
  type DocumentView,
} from '../../infra/document.repository';

/** Issued invoices or credit notes, newest first, a page at a time (`cursor`: the previous page's `nextCursor`). */
@Injectable()
export class ListDocumentsHandler {
  constructor(private readonly documents: DocumentRepository) {}

  async execute(
    kind: DocumentKind,
    query: Omit<DocumentFilter, 'before'> & { cursor?: string; limit: number },
  ): Promise<{ items: DocumentView[]; nextCursor: string | null }> {
    const { cursor, limit, ...filter } = query;
    const rows = await this.documents.page(
      kind,
      { ...filter, ...(cursor === undefined ? {} : { before: cursor }) },
      limit + 1,
    );
    const items = rows.slice(0, limit);
    return { items, nextCursor: rows.length > limit ? items.at(-1)!.documentId : null };
  }
}
