import { Injectable } from '@nestjs/common';
import { type CalendarDate } from '@o2c/billing';
import { EventTypes } from '@o2c/contracts';
import { Outbox } from '@o2c/messaging';
import { type ItemFailure, RunFailures } from '@o2c/platform';
import { DataSource } from 'typeorm';
import { invoiceOverdueEvent } from '../../domain/settlement';
import { SettlementRepository } from '../../infra/settlement.repository';

// A savepoint per invoice: at most 64 subtransactions keep every PostgreSQL snapshot cheap meanwhile.
const BATCH = 50;

/** The run's name in its failures (`GET /v1/admin/run-failures?run=overdue`). */
export const OVERDUE_RUN = 'overdue';

export interface OverdueInvoice {
  documentId: string;
  number: string;
}

export interface OverdueRun {
  /** Invoices this run marked overdue (each is reported by one run only). */
  marked: OverdueInvoice[];
  /** Invoices that could not be marked, with the reason: set aside, the others marked regardless. */
  failed: (OverdueInvoice & { contractId: string } & ItemFailure)[];
}

/**
 * Marks every open invoice whose due date is before `asOf` overdue, with `o2c.invoice.overdue.v1` in the same
 * transaction. An invoice changes from open to overdue once, so its event is recorded once, however many runs
 * (for any dates, on any instances, at the same time) see it. Invoices are taken in batches, one transaction
 * each, and each invoice in a savepoint of its own: one that fails is undone alone, recorded with its reason,
 * skipped for the rest of the run and tried again by the next run (its failure is resolved once it is marked,
 * or once it is no longer open).
 */
@Injectable()
export class MarkOverdueInvoicesHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: SettlementRepository,
    private readonly outbox: Outbox,
    private readonly failures: RunFailures,
  ) {}

  async execute(asOf: CalendarDate): Promise<OverdueRun> {
    const date = asOf.toString();
    const run: OverdueRun = { marked: [], failed: [] };
    const retry = await this.failures.openItems(this.dataSource.manager, OVERDUE_RUN);
    const tried: string[] = [];
    for (;;) {
      const done = await this.dataSource.transaction(async (manager) => {
        const invoices = await this.repository.lockForOverdueRun(
          manager,
          date,
          { retry, skip: tried },
          BATCH,
        );
        for (const invoice of invoices) {
          tried.push(invoice.documentId);
          const item = {
            run: OVERDUE_RUN,
            itemId: invoice.documentId,
            contractId: invoice.contractId,
            asOf: date,
          };
          const outcome = await this.failures.attempt(manager, item, async (itemManager) => {
            // A retried invoice settled since has nothing left to mark.
            if (invoice.status !== 'open') return false;
            await this.repository.markOverdue(itemManager, invoice.documentId, date);
            await this.outbox.record(itemManager, {
              type: EventTypes.invoiceOverdue,
              key: invoice.accountId,
              subject: `invoice/${invoice.documentId}`,
              data: invoiceOverdueEvent(invoice, date),
            });
            return true;
          });
          const { documentId, number, contractId } = invoice;
          if (!outcome.ok) run.failed.push({ documentId, number, contractId, ...outcome.failure });
          else if (outcome.value) run.marked.push({ documentId, number });
        }
        return invoices.length < BATCH;
      });
      if (done) return run;
    }
  }
}
