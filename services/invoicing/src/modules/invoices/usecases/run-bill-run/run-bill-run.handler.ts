import { Inject, Injectable, Logger } from '@nestjs/common';
import { type CalendarDate } from '@o2c/billing';
import { CLOCK, type Clock } from '@o2c/contracts';
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
} from '../mark-overdue-invoices/mark-overdue-invoices.handler';

const BATCH = 100;

export interface BillRun {
  billRunId: string;
  asOf: string;
  issued: IssuedDocument[];
  /** Contracts whose documents could not be issued, with the reason; the others are billed regardless. */
  failed: { contractId: string; error: string }[];
  /** Invoices this run found unsettled after their due date (each is reported by one run only). */
  overdue: OverdueInvoice[];
}

/**
 * Issues every document due on or before `asOf`, contract by contract, each in its own transaction, then marks
 * the invoices due before `asOf` and still unsettled overdue. Idempotent
 * (a second run for the same date issues nothing), safe to run on several instances at once (a contract is
 * locked while it is billed) and to resume after a crash (what was committed stays issued; the rest is
 * picked up by the next run).
 */
@Injectable()
export class RunBillRunHandler {
  private readonly logger = new Logger(RunBillRunHandler.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: InvoicingRepository,
    private readonly issue: IssueDueDocumentsHandler,
    private readonly markOverdue: MarkOverdueInvoicesHandler,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(asOf: CalendarDate): Promise<BillRun> {
    const run: BillRun = {
      billRunId: uuidv7(),
      asOf: asOf.toString(),
      issued: [],
      failed: [],
      overdue: [],
    };
    await this.dataSource.query(`INSERT INTO bill_run (bill_run_id, as_of, started_at) VALUES ($1, $2, $3)`, [
      run.billRunId,
      run.asOf,
      this.clock.now().toISOString(),
    ]);
    const seen: string[] = [];
    for (;;) {
      const due = await this.repository.contractsDue(this.dataSource.manager, run.asOf, seen, BATCH);
      if (due.length === 0) break;
      for (const contractId of due) {
        seen.push(contractId);
        try {
          const issued = await this.dataSource.transaction((manager) =>
            this.issue.execute(manager, contractId, asOf, run.billRunId),
          );
          run.issued.push(...issued);
        } catch (error) {
          const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
          this.logger.error({ msg: 'bill run: a contract could not be billed', contractId, err: message });
          run.failed.push({ contractId, error: message });
        }
      }
    }
    // After issuing, so that what this run issued already past its due date is found too.
    run.overdue = await this.markOverdue.execute(asOf);
    await this.dataSource.query(
      `UPDATE bill_run SET finished_at = $2, issued = $3, overdue = $4 WHERE bill_run_id = $1`,
      [run.billRunId, this.clock.now().toISOString(), run.issued.length, run.overdue.length],
    );
    return run;
  }
}
