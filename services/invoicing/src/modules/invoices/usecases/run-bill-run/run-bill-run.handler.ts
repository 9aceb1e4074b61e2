import { Inject, Injectable } from '@nestjs/common';
import { type CalendarDate } from '@o2c/billing';
import { CLOCK, type Clock } from '@o2c/contracts';
import { o2cCounter } from '@o2c/observability';
import { type ItemFailure, RunFailures } from '@o2c/platform';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { InvoicingRepository } from '../../infra/invoicing.repository';
import {
  type IssuedDocument,
  IssueDueDocumentsHandler,
} from '../issue-due-documents/issue-due-documents.handler';
import {
  MarkOverdueInvoicesHandler,
  type OverdueInvoice,
  type OverdueRun,
} from '../mark-overdue-invoices/mark-overdue-invoices.handler';

const BATCH = 100;

/** The run's name in its failures (`GET /v1/admin/run-failures?run=bill-run`). */
export const BILL_RUN = 'bill-run';

export interface BillRun {
  billRunId: string;
  asOf: string;
  issued: IssuedDocument[];
  /** Contracts whose documents could not be issued, with the reason; the others are billed regardless. */
  failed: ({ contractId: string } & ItemFailure)[];
  /** Invoices this run found unsettled after their due date (each is reported by one run only). */
  overdue: OverdueInvoice[];
  /** Invoices found overdue that could not be marked, with the reason; the others are marked regardless. */
  overdueFailed: OverdueRun['failed'];
}

/**
 * Issues every document due on or before `asOf`, contract by contract, each in its own transaction, then marks
 * the invoices due before `asOf` and still unsettled overdue. Idempotent
 * (a second run for the same date issues nothing), safe to run on several instances at once (a contract is
 * locked while it is billed) and to resume after a crash (what was committed stays issued; the rest is
 * picked up by the next run). A contract that fails is recorded with its reason and skipped for the rest of
 * the run; the next run tries it again (even if nothing is due for it any more, so that its failure is
 * resolved once it goes through).
 */
@Injectable()
export class RunBillRunHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: InvoicingRepository,
    private readonly issue: IssueDueDocumentsHandler,
    private readonly markOverdue: MarkOverdueInvoicesHandler,
    private readonly failures: RunFailures,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(asOf: CalendarDate): Promise<BillRun> {
    const run: BillRun = {
      billRunId: uuidv7(),
      asOf: asOf.toString(),
      issued: [],
      failed: [],
      overdue: [],
      overdueFailed: [],
    };
    await this.dataSource.query(`INSERT INTO bill_run (bill_run_id, as_of, started_at) VALUES ($1, $2, $3)`, [
      run.billRunId,
      run.asOf,
      this.clock.now().toISOString(),
    ]);
    const { manager } = this.dataSource;
    const retry = await this.failures.openItems(manager, BILL_RUN);
    const seen: string[] = [];
    for (;;) {
      const due = await this.repository.contractsForBillRun(manager, run.asOf, { retry, skip: seen }, BATCH);
      if (due.length === 0) break;
      for (const contractId of due) {
        seen.push(contractId);
        // Not in a batch transaction: a contract's numbers stay locked until its transaction ends.
        const item = { run: BILL_RUN, itemId: contractId, contractId, asOf: run.asOf };
        const outcome = await this.failures.attempt(manager, item, (contractManager) =>
          this.issue.execute(contractManager, contractId, asOf, run.billRunId),
        );
        if (outcome.ok) run.issued.push(...outcome.value);
        else run.failed.push({ contractId, ...outcome.failure });
        if (outcome.ok) for (const { kind } of outcome.value) o2cCounter('billRunDocuments').add(1, { kind });
      }
    }
    // After issuing, so that what this run issued already past its due date is found too.
    const overdue = await this.markOverdue.execute(asOf);
    run.overdue = overdue.marked;
    run.overdueFailed = overdue.failed;
    await this.dataSource.query(
      `UPDATE bill_run SET finished_at = $2, issued = $3, overdue = $4 WHERE bill_run_id = $1`,
      [run.billRunId, this.clock.now().toISOString(), run.issued.length, run.overdue.length],
    );
    return run;
  }
}
