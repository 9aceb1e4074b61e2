import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * What happens to an invoice after it is issued: payments (once per idempotency key), credit notes allocated
 * to the invoices they credit, overdue detection; and what a correcting document corrects.
 */
export class PaymentsAndOverdue1764500000000 implements MigrationInterface {
  name = 'PaymentsAndOverdue1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE document ADD COLUMN credited_minor bigint NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE document ADD COLUMN settled_on date`);
    await q.query(`ALTER TABLE document ADD COLUMN overdue_on date`);
    // Per line of a correcting document: the document key and charge it corrects (billing rules §5, backdated).
    await q.query(`ALTER TABLE document ADD COLUMN corrects jsonb`);
    await q.query(
      `CREATE INDEX document_open_by_due_date ON document (due_date) WHERE kind = 'invoice' AND status = 'open'`,
    );
    await q.query(`
      CREATE TABLE payment (
        payment_id      uuid PRIMARY KEY,
        document_id     uuid NOT NULL REFERENCES document (document_id),
        idempotency_key text NOT NULL UNIQUE,
        amount_minor    bigint NOT NULL CHECK (amount_minor > 0),
        currency        text NOT NULL,
        payment_date    date NOT NULL,
        reference       text NOT NULL,
        recorded_at     timestamptz NOT NULL,
        result          jsonb NOT NULL
      )`);
    await q.query(`CREATE INDEX payment_document ON payment (document_id, recorded_at)`);
    await q.query(`
      CREATE TABLE credit_allocation (
        credit_note_id uuid NOT NULL REFERENCES document (document_id),
        invoice_id     uuid NOT NULL REFERENCES document (document_id),
        amount_minor   bigint NOT NULL CHECK (amount_minor >= 0),
        PRIMARY KEY (credit_note_id, invoice_id)
      )`);
    await q.query(`CREATE INDEX credit_allocation_invoice ON credit_allocation (invoice_id)`);
    // Credit notes issued before this migration are allocated to the invoice each of their lines credits.
    await q.query(`
      INSERT INTO credit_allocation (credit_note_id, invoice_id, amount_minor)
      SELECT d.document_id, (line->>'creditedInvoiceId')::uuid,
             sum((line->'amount'->>'amountMinor')::bigint + (line->'tax'->>'amountMinor')::bigint)
        FROM document d, jsonb_array_elements(d.data->'lines') AS line
       WHERE d.kind = 'credit_note'
       GROUP BY 1, 2`);
    await q.query(`
      UPDATE document d SET credited_minor = a.amount_minor
        FROM (SELECT invoice_id, sum(amount_minor) AS amount_minor FROM credit_allocation GROUP BY 1) a
       WHERE d.document_id = a.invoice_id`);
    await q.query(`ALTER TABLE bill_run ADD COLUMN overdue integer NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE bill_run DROP COLUMN overdue`);
    await q.query(`DROP TABLE credit_allocation`);
    await q.query(`DROP TABLE payment`);
    await q.query(`DROP INDEX document_open_by_due_date`);
    for (const column of ['corrects', 'overdue_on', 'settled_on', 'credited_minor']) {
      await q.query(`ALTER TABLE document DROP COLUMN ${column}`);
    }
  }
}
