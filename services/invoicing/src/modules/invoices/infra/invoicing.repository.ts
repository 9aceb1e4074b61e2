import { Injectable } from '@nestjs/common';
import { type SubscriptionEventData, type SubscriptionEventType } from '@o2c/contracts';
import { type EntityManager, type QueryRunner } from 'typeorm';
import { type CorrectedCharge, type IssuedDocumentRecord, parseExactMinor } from '../domain/corrections';

export interface StoredContractVersion {
  version: number;
  eventType: SubscriptionEventType;
  data: SubscriptionEventData;
}

export type IssuedRow = IssuedDocumentRecord;

interface WireLine {
  dealLineId: string;
  sku: string;
  chargeType: 'recurring' | 'one_time';
  servicePeriod?: { start: string; end: string };
  amount: { amountMinor: string };
  explanation: { exactAmountMinor: string };
  creditedInvoiceId?: string;
  creditedInvoiceNumber?: string;
}

/** An issued document's row. */
export interface DocumentRow {
  documentId: string;
  kind: 'invoice' | 'credit_note';
  number: string;
  contractId: string;
  accountId: string;
  documentKey: string;
  issueDate: string;
  dueDate?: string;
  currency: string;
  totalMinor: bigint;
  data: object;
  issuedAt: Date;
  billRunId?: string;
  corrects?: CorrectedCharge[];
}

/**
 * A contract another transaction holds, asked for by a transaction that holds the numbering already (a consumer's
 * group of events: its first document took the numbering): waiting could close a circle with a bill run's chunk,
 * which holds its contracts and waits for the numbering. Thrown instead; the group is taken apart, and the event
 * alone then waits for the contract holding no number.
 */
export class ContractBusyError extends Error {
  override name = 'ContractBusyError';
}

/** The invoicing database: contract histories as received, issued documents and their numbers. */
@Injectable()
export class InvoicingRepository {
  /** Transactions (by their query runner, one per transaction) holding the numbering. */
  private readonly numbering = new WeakSet<QueryRunner>();

  /**
   * Serialises issuing for one contract across transactions and instances, until the transaction ends. Waits for
   * the contract, unless this transaction holds the numbering: whoever holds it waits for no contract, so no two
   * transactions wait for each other (`ContractBusyError` when another one holds the contract).
   */
  async lockContract(manager: EntityManager, contractId: string): Promise<void> {
    if (manager.queryRunner && this.numbering.has(manager.queryRunner)) {
      if (await this.tryLockContract(manager, contractId)) return;
      throw new ContractBusyError(
        `contract ${contractId} is held by another transaction, and this one holds the document numbering; ` +
          'it is tried again on its own',
      );
    }
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`contract:${contractId}`]);
  }

  /** `tryLockContract` for several contracts in one query: those it locked. */
  async tryLockContracts(manager: EntityManager, contractIds: readonly string[]): Promise<Set<string>> {
    const rows = await manager.query<{ contract_id: string; locked: boolean }[]>(
      `SELECT contract_id, pg_try_advisory_xact_lock(hashtextextended('contract:' || contract_id, 0)) AS locked
         FROM unnest($1::text[]) WITH ORDINALITY AS c(contract_id, n) ORDER BY n`,
      [contractIds],
    );
    return new Set(rows.filter((row) => row.locked).map((row) => row.contract_id));
  }

  /** Locks the contract as `lockContract` does, if no other transaction holds it; false when one does. */
  async tryLockContract(manager: EntityManager, contractId: string): Promise<boolean> {
    const [row] = await manager.query<{ locked: boolean }[]>(
      `SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS locked`,
      [`contract:${contractId}`],
    );
    return row!.locked;
  }

  /** The versions of each of `contractIds` (one query for a bill run's chunk). */
  async versionsOf(
    manager: EntityManager,
    contractIds: readonly string[],
  ): Promise<Map<string, StoredContractVersion[]>> {
    const rows = await manager.query<
      {
        contract_id: string;
        version: number;
        event_type: SubscriptionEventType;
        event_data: SubscriptionEventData;
      }[]
    >(
      `SELECT contract_id, version, event_type, event_data FROM contract_version
        WHERE contract_id = ANY($1::text[]) ORDER BY contract_id, version`,
      [contractIds],
    );
    const byContract = new Map<string, StoredContractVersion[]>(contractIds.map((id) => [id, []]));
    for (const row of rows)
      byContract
        .get(row.contract_id)
        ?.push({ version: row.version, eventType: row.event_type, data: row.event_data });
    return byContract;
  }

  async versions(manager: EntityManager, contractId: string): Promise<StoredContractVersion[]> {
    const rows = await manager.query<
      { version: number; event_type: SubscriptionEventType; event_data: SubscriptionEventData }[]
    >(
      `SELECT version, event_type, event_data FROM contract_version WHERE contract_id = $1 ORDER BY version`,
      [contractId],
    );
    return rows.map((row) => ({ version: row.version, eventType: row.event_type, data: row.event_data }));
  }

  /** Stores a version; false when it was stored already. */
  async addVersion(
    manager: EntityManager,
    type: SubscriptionEventType,
    data: SubscriptionEventData,
    at: Date,
  ): Promise<boolean> {
    // One statement for both rows: the version, and the contract among those bill runs look at.
    const [row] = await manager.query<{ inserted: number }[]>(
      `WITH version AS (
         INSERT INTO contract_version (contract_id, version, event_type, event_data, received_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING 1
       ), billed AS (
         INSERT INTO billed_contract (contract_id, account_id) VALUES ($1, $6) ON CONFLICT (contract_id) DO NOTHING
       )
       SELECT count(*)::int AS inserted FROM version`,
      [data.contractId, data.version, type, JSON.stringify(data), at.toISOString(), data.accountId],
    );
    return row!.inserted > 0;
  }

  /** The contract's issued documents with their lines, in the order they were issued. */
  async issued(manager: EntityManager, contractId: string): Promise<IssuedRow[]> {
    return (await this.issuedOf(manager, [contractId])).get(contractId)!;
  }

  /** The documents issued for each of `contractIds`, in the order issued (one query for a bill run's chunk). */
  async issuedOf(manager: EntityManager, contractIds: readonly string[]): Promise<Map<string, IssuedRow[]>> {
    const rows = await manager.query<
      {
        contract_id: string;
        document_id: string;
        document_key: string;
        number: string;
        kind: 'invoice' | 'credit_note';
        lines: WireLine[];
        corrects: CorrectedCharge[] | null;
      }[]
    >(
      `SELECT contract_id, document_id, document_key, number, kind, data->'lines' AS lines, corrects FROM document
        WHERE contract_id = ANY($1::text[]) ORDER BY contract_id, document_id`,
      [contractIds],
    );
    const byContract = new Map<string, IssuedRow[]>(contractIds.map((id) => [id, []]));
    for (const row of rows)
      byContract.get(row.contract_id)?.push({
        documentId: row.document_id,
        documentKey: row.document_key,
        number: row.number,
        kind: row.kind,
        lines: row.lines.map((line) => ({
          dealLineId: line.dealLineId,
          sku: line.sku,
          chargeType: line.chargeType,
          ...(line.servicePeriod ? { servicePeriod: line.servicePeriod } : {}),
          amountMinor: BigInt(line.amount.amountMinor),
          exactMinor: parseExactMinor(line.explanation.exactAmountMinor),
          ...(line.creditedInvoiceId ? { creditedInvoiceId: line.creditedInvoiceId } : {}),
          ...(line.creditedInvoiceNumber ? { creditedInvoiceNumber: line.creditedInvoiceNumber } : {}),
        })),
        ...(row.corrects ? { corrects: row.corrects } : {}),
      });
    return byContract;
  }

  /**
   * The next number of a sequence, gapless: the counter row stays locked until the caller's transaction
   * ends, and a rollback takes the number back with the document.
   */
  async nextNumber(
    manager: EntityManager,
    entity: string,
    prefix: 'INV' | 'CN',
    year: number,
  ): Promise<string> {
    const [number] = await this.nextNumbers(manager, entity, prefix, year, 1);
    return number!;
  }

  /** The next `count` numbers of a sequence, in order, in one statement; gapless as `nextNumber`. */
  async nextNumbers(
    manager: EntityManager,
    entity: string,
    prefix: 'INV' | 'CN',
    year: number,
    count: number,
  ): Promise<string[]> {
    // The numbering lock of the issuing entity is taken by the same statement, before the row, and held until the
    // transaction ends. Every transaction takes it after the contracts it locks, never before one: whoever holds
    // it waits for no contract, so no two transactions wait for each other.
    const [row] = await manager.query<{ last_number: number }[]>(
      `INSERT INTO document_number (issuing_entity, prefix, year, last_number)
       SELECT $1, $2, $3, $5 FROM (SELECT pg_advisory_xact_lock(hashtextextended($4, 0))) AS numbering
       ON CONFLICT (issuing_entity, prefix, year) DO UPDATE SET last_number = document_number.last_number + $5
       RETURNING last_number`,
      [entity, prefix, year, `numbering:${entity}`, count],
    );
    if (manager.queryRunner) this.numbering.add(manager.queryRunner);
    const first = row!.last_number - count + 1;
    return Array.from({ length: count }, (_, i) => `${prefix}-${year}-${String(first + i).padStart(6, '0')}`);
  }

  async insertDocument(manager: EntityManager, row: DocumentRow): Promise<void> {
    await this.insertDocuments(manager, [row]);
  }

  /** Documents in one statement (a bill run's chunk). */
  async insertDocuments(manager: EntityManager, rows: readonly DocumentRow[]): Promise<void> {
    if (rows.length === 0) return;
    const COLUMNS = 15;
    const values = rows.map(
      (_, r) => `(${Array.from({ length: COLUMNS }, (_, c) => `$${r * COLUMNS + c + 1}`).join(', ')})`,
    );
    await manager.query(
      `INSERT INTO document (document_id, kind, number, contract_id, account_id, document_key, issue_date, due_date,
         currency, total_minor, status, data, issued_at, bill_run_id, corrects)
       VALUES ${values.join(', ')}`,
      rows.flatMap((row) => [
        row.documentId,
        row.kind,
        row.number,
        row.contractId,
        row.accountId,
        row.documentKey,
        row.issueDate,
        row.dueDate ?? null,
        row.currency,
        row.totalMinor.toString(),
        row.kind === 'invoice' ? 'open' : 'issued',
        JSON.stringify(row.data),
        row.issuedAt.toISOString(),
        row.billRunId ?? null,
        row.corrects ? JSON.stringify(row.corrects) : null,
      ]),
    );
  }

  async setNextDocumentDate(
    manager: EntityManager,
    contractId: string,
    date: string | undefined,
  ): Promise<void> {
    await manager.query(`UPDATE billed_contract SET next_document_date = $2 WHERE contract_id = $1`, [
      contractId,
      date ?? null,
    ]);
  }

  /**
   * `setNextDocumentDate` for several contracts in one statement. The `= ANY` condition is what makes PostgreSQL
   * find the rows by key: joined with `unnest` alone it reads the whole table, once per chunk of a bill run.
   */
  async setNextDocumentDates(
    manager: EntityManager,
    dates: readonly { contractId: string; date: string | undefined }[],
  ): Promise<void> {
    if (dates.length === 0) return;
    await manager.query(
      `UPDATE billed_contract b SET next_document_date = d.date
         FROM unnest($1::text[], $2::date[]) AS d(contract_id, date)
        WHERE b.contract_id = ANY($1::text[]) AND b.contract_id = d.contract_id`,
      [dates.map((d) => d.contractId), dates.map((d) => d.date ?? null)],
    );
  }

  /**
   * Up to `limit` contracts with a document due on or before `asOf`, in key order (due date, contract id), after
   * the contract `after`: a run reads them page by page on an index, whatever their number.
   */
  async dueContracts(
    manager: EntityManager,
    asOf: string,
    limit: number,
    after?: { date: string; contractId: string },
  ): Promise<{ date: string; contractId: string }[]> {
    const rows = await manager.query<{ contract_id: string; date: string }[]>(
      after === undefined
        ? `SELECT contract_id, to_char(next_document_date, 'YYYY-MM-DD') AS date FROM billed_contract
            WHERE next_document_date <= $1::date
            ORDER BY next_document_date, contract_id LIMIT $2`
        : `SELECT contract_id, to_char(next_document_date, 'YYYY-MM-DD') AS date FROM billed_contract
            WHERE next_document_date <= $1::date AND (next_document_date, contract_id) > ($3::date, $4::text)
            ORDER BY next_document_date, contract_id LIMIT $2`,
      after === undefined ? [asOf, limit] : [asOf, limit, after.date, after.contractId],
    );
    return rows.map((row) => ({ date: row.date, contractId: row.contract_id }));
  }
}
