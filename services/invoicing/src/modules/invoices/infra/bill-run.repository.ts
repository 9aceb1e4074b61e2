import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { type BillRunOutcome } from '../domain/bill-run';

export interface BillRunRow {
  billRunId: string;
  asOf: string;
  startedAt: Date;
  finishedAt: Date | null;
  heartbeatAt: Date;
  contracts: number;
  issued: number;
  failed: number;
  overdue: number;
  outcome: BillRunOutcome | null;
}

export interface BillRunDocument {
  documentId: string;
  number: string;
  kind: 'invoice' | 'credit_note';
  issueDate: string;
  contractId: string;
}

interface Row {
  bill_run_id: string;
  as_of: string;
  started_at: Date;
  finished_at: Date | null;
  heartbeat_at: Date;
  contracts: number;
  issued: number;
  failed: number;
  overdue: number;
  outcome: BillRunOutcome | null;
}

const COLUMNS = `bill_run_id, to_char(as_of, 'YYYY-MM-DD') AS as_of, started_at, finished_at, heartbeat_at, contracts,
  issued, failed, overdue, outcome`;

function ofRow(row: Row): BillRunRow {
  return {
    billRunId: row.bill_run_id,
    asOf: row.as_of,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    heartbeatAt: row.heartbeat_at,
    contracts: row.contracts,
    issued: row.issued,
    failed: row.failed,
    overdue: row.overdue,
    outcome: row.outcome,
  };
}

/** Bill runs: their progress while they run, their outcome once done, the documents each issued. */
@Injectable()
export class BillRunRepository {
  async start(manager: EntityManager, billRunId: string, asOf: string, at: Date): Promise<void> {
    await manager.query(
      `INSERT INTO bill_run (bill_run_id, as_of, started_at, heartbeat_at) VALUES ($1, $2, $3, $3)`,
      [billRunId, asOf, at.toISOString()],
    );
  }

  /** Adds a chunk's counts, in the chunk's transaction: the progress shown is what is committed. */
  async progress(
    manager: EntityManager,
    billRunId: string,
    chunk: { contracts: number; issued: number; failed: number },
    at: Date,
  ): Promise<void> {
    await manager.query(
      `UPDATE bill_run SET contracts = contracts + $2, issued = issued + $3, failed = failed + $4, heartbeat_at = $5
        WHERE bill_run_id = $1`,
      [billRunId, chunk.contracts, chunk.issued, chunk.failed, at.toISOString()],
    );
  }

  async finish(manager: EntityManager, billRunId: string, outcome: BillRunOutcome, at: Date): Promise<void> {
    await manager.query(
      `UPDATE bill_run SET finished_at = $2, heartbeat_at = $2, overdue = $3, outcome = $4 WHERE bill_run_id = $1`,
      [billRunId, at.toISOString(), outcome.overdue.length, JSON.stringify(outcome)],
    );
  }

  async find(manager: EntityManager, billRunId: string): Promise<BillRunRow | undefined> {
    const [row] = await manager.query<Row[]>(`SELECT ${COLUMNS} FROM bill_run WHERE bill_run_id = $1`, [
      billRunId,
    ]);
    return row && ofRow(row);
  }

  /** The newest runs first; `before` is the last run id of the previous page. */
  async list(manager: EntityManager, limit: number, before?: string): Promise<BillRunRow[]> {
    const rows = await manager.query<Row[]>(
      before === undefined
        ? `SELECT ${COLUMNS} FROM bill_run ORDER BY started_at DESC, bill_run_id DESC LIMIT $1`
        : `SELECT ${COLUMNS} FROM bill_run
            WHERE (started_at, bill_run_id) < (SELECT started_at, bill_run_id FROM bill_run WHERE bill_run_id = $2)
            ORDER BY started_at DESC, bill_run_id DESC LIMIT $1`,
      before === undefined ? [limit] : [limit, before],
    );
    return rows.map(ofRow);
  }

  /** The documents `billRunId` issued, in the order it issued them, after the document `after`. */
  async documents(
    manager: EntityManager,
    billRunId: string,
    limit: number,
    after?: string,
  ): Promise<BillRunDocument[]> {
    const rows = await manager.query<
      {
        document_id: string;
        number: string;
        kind: 'invoice' | 'credit_note';
        issue_date: string;
        contract_id: string;
      }[]
    >(
      `SELECT document_id, number, kind, to_char(issue_date, 'YYYY-MM-DD') AS issue_date, contract_id FROM document
        WHERE bill_run_id = $1 AND ($3::uuid IS NULL OR document_id > $3::uuid)
        ORDER BY document_id LIMIT $2`,
      [billRunId, limit, after ?? null],
    );
    return rows.map((row) => ({
      documentId: row.document_id,
      number: row.number,
      kind: row.kind,
      issueDate: row.issue_date,
      contractId: row.contract_id,
    }));
  }
}
