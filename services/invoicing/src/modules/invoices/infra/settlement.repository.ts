import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { type InvoiceAccount, type InvoiceStatus } from '../domain/settlement';

export type InvoiceRow = InvoiceAccount;

export interface PaymentRow {
  paymentId: string;
  documentId: string;
  idempotencyKey: string;
  amountMinor: bigint;
  currency: string;
  paymentDate: string;
  reference: string;
  recordedAt: string;
  /** The answer given when the payment was recorded, given again for a repeated request. */
  result: Record<string, unknown>;
}

export interface CreditRow {
  creditNoteId: string;
  number: string;
  issueDate: string;
  amountMinor: bigint;
}

interface InvoiceRecord {
  document_id: string;
  number: string;
  account_id: string;
  contract_id: string;
  issue_date: string;
  due_date: string;
  currency: string;
  total_minor: string;
  paid_minor: string;
  credited_minor: string;
  status: InvoiceStatus;
}

const INVOICE_COLUMNS = `document_id, number, account_id, contract_id, issue_date::text, due_date::text, currency,
  total_minor::text, paid_minor::text, credited_minor::text, status`;

function invoiceOf(row: InvoiceRecord): InvoiceRow {
  return {
    documentId: row.document_id,
    number: row.number,
    accountId: row.account_id,
    contractId: row.contract_id,
    issueDate: row.issue_date,
    dueDate: row.due_date,
    currency: row.currency,
    totalMinor: BigInt(row.total_minor),
    paidMinor: BigInt(row.paid_minor),
    creditedMinor: BigInt(row.credited_minor),
    status: row.status,
  };
}

/** What happens to issued invoices: payments, credit notes allocated to them, overdue detection. */
@Injectable()
export class SettlementRepository {
  /** Serialises every request carrying one idempotency key, until the transaction ends. */
  async lockIdempotencyKey(manager: EntityManager, key: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`payment-key:${key}`]);
  }

  /** The invoice, locked against other payments, credits and the overdue run until the transaction ends. */
  async lockInvoice(manager: EntityManager, documentId: string): Promise<InvoiceRow | undefined> {
    const [row] = await manager.query<InvoiceRecord[]>(
      `SELECT ${INVOICE_COLUMNS} FROM document WHERE document_id = $1 AND kind = 'invoice' FOR UPDATE`,
      [documentId],
    );
    return row && invoiceOf(row);
  }

  async invoice(manager: EntityManager, documentId: string): Promise<InvoiceRow | undefined> {
    const [row] = await manager.query<InvoiceRecord[]>(
      `SELECT ${INVOICE_COLUMNS} FROM document WHERE document_id = $1 AND kind = 'invoice'`,
      [documentId],
    );
    return row && invoiceOf(row);
  }

  async setBalance(
    manager: EntityManager,
    documentId: string,
    balance: { paidMinor: bigint; creditedMinor: bigint; status: InvoiceStatus; settledOn?: string },
  ): Promise<void> {
    await manager.query(
      `UPDATE document SET paid_minor = $2, credited_minor = $3, status = $4, settled_on = COALESCE($5::date, settled_on)
        WHERE document_id = $1`,
      [
        documentId,
        balance.paidMinor.toString(),
        balance.creditedMinor.toString(),
        balance.status,
        balance.settledOn ?? null,
      ],
    );
  }

  async paymentByKey(manager: EntityManager, key: string): Promise<PaymentRow | undefined> {
    const [row] = await manager.query<PaymentRecord[]>(
      `SELECT ${PAYMENT_COLUMNS} FROM payment WHERE idempotency_key = $1`,
      [key],
    );
    return row && paymentOf(row);
  }

  async payments(manager: EntityManager, documentId: string): Promise<PaymentRow[]> {
    const rows = await manager.query<PaymentRecord[]>(
      `SELECT ${PAYMENT_COLUMNS} FROM payment WHERE document_id = $1 ORDER BY recorded_at, payment_id`,
      [documentId],
    );
    return rows.map(paymentOf);
  }

  async insertPayment(manager: EntityManager, payment: PaymentRow): Promise<void> {
    await manager.query(
      `INSERT INTO payment (payment_id, document_id, idempotency_key, amount_minor, currency, payment_date,
         reference, recorded_at, result)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        payment.paymentId,
        payment.documentId,
        payment.idempotencyKey,
        payment.amountMinor.toString(),
        payment.currency,
        payment.paymentDate,
        payment.reference,
        payment.recordedAt,
        JSON.stringify(payment.result),
      ],
    );
  }

  async allocateCredit(
    manager: EntityManager,
    creditNoteId: string,
    invoiceId: string,
    amountMinor: bigint,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO credit_allocation (credit_note_id, invoice_id, amount_minor) VALUES ($1, $2, $3)`,
      [creditNoteId, invoiceId, amountMinor.toString()],
    );
  }

  async credits(manager: EntityManager, invoiceId: string): Promise<CreditRow[]> {
    const rows = await manager.query<
      { credit_note_id: string; number: string; issue_date: string; amount_minor: string }[]
    >(
      `SELECT a.credit_note_id, d.number, d.issue_date::text, a.amount_minor::text
         FROM credit_allocation a JOIN document d ON d.document_id = a.credit_note_id
        WHERE a.invoice_id = $1 ORDER BY d.issue_date, d.number`,
      [invoiceId],
    );
    return rows.map((row) => ({
      creditNoteId: row.credit_note_id,
      number: row.number,
      issueDate: row.issue_date,
      amountMinor: BigInt(row.amount_minor),
    }));
  }

  /**
   * Locks up to `limit` invoices for the overdue run of `asOf`: the open ones due before `asOf`, and those of
   * `retry` (their last overdue run failed) that are due before `asOf` or no longer open, except those of `skip`
   * (tried by this run already). Rows another transaction holds (a payment being recorded, another run's
   * batch) are skipped, never waited for: no run blocks or deadlocks another, an invoice changes to overdue in
   * exactly one transaction, and one skipped while a payment was recorded is found by the next run if it is
   * still unsettled.
   */
  async lockForOverdueRun(
    manager: EntityManager,
    asOf: string,
    invoices: { retry: readonly string[]; skip: readonly string[] },
    limit: number,
  ): Promise<InvoiceRow[]> {
    const rows = await manager.query<InvoiceRecord[]>(
      `SELECT ${INVOICE_COLUMNS} FROM document
        WHERE kind = 'invoice'
          AND ((status = 'open' AND due_date < $1::date)
               OR (document_id = ANY($2::uuid[]) AND (status <> 'open' OR due_date < $1::date)))
          AND NOT (document_id = ANY($3::uuid[]))
        ORDER BY due_date, document_id LIMIT $4
          FOR UPDATE SKIP LOCKED`,
      [asOf, invoices.retry, invoices.skip, limit],
    );
    return rows.map(invoiceOf);
  }

  /** Marks a locked open invoice overdue as of `asOf`. */
  async markOverdue(manager: EntityManager, documentId: string, asOf: string): Promise<void> {
    await manager.query(
      `UPDATE document SET status = 'overdue', overdue_on = $2::date WHERE document_id = $1 AND status = 'open'`,
      [documentId, asOf],
    );
  }
}

interface PaymentRecord {
  payment_id: string;
  document_id: string;
  idempotency_key: string;
  amount_minor: string;
  currency: string;
  payment_date: string;
  reference: string;
  recorded_at: Date;
  result: Record<string, unknown>;
}

const PAYMENT_COLUMNS = `payment_id, document_id, idempotency_key, amount_minor::text, currency, payment_date::text,
  reference, recorded_at, result`;

function paymentOf(row: PaymentRecord): PaymentRow {
  return {
    paymentId: row.payment_id,
    documentId: row.document_id,
    idempotencyKey: row.idempotency_key,
    amountMinor: BigInt(row.amount_minor),
    currency: row.currency,
    paymentDate: row.payment_date,
    reference: row.reference,
    recordedAt: row.recorded_at.toISOString(),
    result: row.result,
  };
}
