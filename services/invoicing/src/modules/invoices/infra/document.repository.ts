import { Injectable } from '@nestjs/common';
import { type CreditNoteIssuedV1, type InvoiceIssuedV1 } from '@o2c/contracts';
import { DataSource } from 'typeorm';

export type DocumentKind = 'invoice' | 'credit_note';

/** An issued document as operations read it: the document as issued, its status and its balance. */
export interface DocumentView {
  documentId: string;
  kind: DocumentKind;
  status: string;
  currency: string;
  totalMinor: bigint;
  paidMinor: bigint;
  creditedMinor: bigint;
  /** The document as issued (its `o2c.invoice.issued.v1` or `o2c.credit-note.issued.v1` data). */
  data: Record<string, unknown>;
}

/** Which documents of a kind a page holds; every filter is optional. */
export interface DocumentFilter {
  accountId?: string;
  contractId?: string;
  status?: string;
  /** Issued on or after this date. */
  from?: string;
  /** Issued on or before this date. */
  to?: string;
  /** Only documents whose id is below this one (ids are time-ordered: older ones). */
  before?: string;
}

interface DocumentDbRow {
  document_id: string;
  kind: DocumentKind;
  status: string;
  currency: string;
  total_minor: string;
  paid_minor: string;
  credited_minor: string;
  data: Record<string, unknown>;
}

const COLUMNS = `document_id, kind, status, currency, total_minor::text, paid_minor::text, credited_minor::text, data`;

const viewOf = (row: DocumentDbRow): DocumentView => ({
  documentId: row.document_id,
  kind: row.kind,
  status: row.status,
  currency: row.currency,
  totalMinor: BigInt(row.total_minor),
  paidMinor: BigInt(row.paid_minor),
  creditedMinor: BigInt(row.credited_minor),
  data: row.data,
});

/** Reads of issued invoices and credit notes for the operations API; SQL lives here only. */
@Injectable()
export class DocumentRepository {
  constructor(private readonly dataSource: DataSource) {}

  async one(kind: DocumentKind, documentId: string): Promise<DocumentView | undefined> {
    const [row] = await this.dataSource.query<DocumentDbRow[]>(
      `SELECT ${COLUMNS} FROM document WHERE document_id = $1 AND kind = $2`,
      [documentId, kind],
    );
    return row && viewOf(row);
  }

  /** The document as issued (its event's data), without its status or balance. */
  async issued(
    kind: DocumentKind,
    documentId: string,
  ): Promise<InvoiceIssuedV1 | CreditNoteIssuedV1 | undefined> {
    const [row] = await this.dataSource.query<{ data: InvoiceIssuedV1 | CreditNoteIssuedV1 }[]>(
      `SELECT data FROM document WHERE document_id = $1 AND kind = $2`,
      [documentId, kind],
    );
    return row?.data;
  }

  /** Up to `limit` documents of a kind, newest first. */
  async page(kind: DocumentKind, filter: DocumentFilter, limit: number): Promise<DocumentView[]> {
    const conditions = ['kind = $1'];
    const values: unknown[] = [kind];
    const add = (sql: string, value: unknown) => {
      values.push(value);
      conditions.push(sql.replace('?', `$${values.length}`));
    };
    if (filter.accountId !== undefined) add('account_id = ?', filter.accountId);
    if (filter.contractId !== undefined) add('contract_id = ?', filter.contractId);
    if (filter.status !== undefined) add('status = ?', filter.status);
    if (filter.from !== undefined) add('issue_date >= ?::date', filter.from);
    if (filter.to !== undefined) add('issue_date <= ?::date', filter.to);
    if (filter.before !== undefined) add('document_id < ?::uuid', filter.before);
    values.push(limit);
    const rows = await this.dataSource.query<DocumentDbRow[]>(
      `SELECT ${COLUMNS} FROM document WHERE ${conditions.join(' AND ')}
        ORDER BY document_id DESC LIMIT $${values.length}`,
      values,
    );
    return rows.map(viewOf);
  }
}
