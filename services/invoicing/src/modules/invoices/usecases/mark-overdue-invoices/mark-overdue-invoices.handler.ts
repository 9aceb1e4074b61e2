import { Injectable } from '@nestjs/common';
import { type CalendarDate } from '@o2c/billing';
import { EventTypes } from '@o2c/contracts';
import { Outbox } from '@o2c/messaging';
import { DataSource } from 'typeorm';
import { invoiceOverdueEvent } from '../../domain/settlement';
import { SettlementRepository } from '../../infra/settlement.repository';

const BATCH = 500;

export interface OverdueInvoice {
  documentId: string;
  number: string;
}

/**
 * Marks every open invoice whose due date is before `asOf` overdue, with `o2c.invoice.overdue.v1` in the same
 * transaction. An invoice changes from open to overdue once, so its event is recorded once, however many runs
 * (for any dates, on any instances, at the same time) see it.
 */
@Injectable()
export class MarkOverdueInvoicesHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: SettlementRepository,
    private readonly outbox: Outbox,
  ) {}

  async execute(asOf: CalendarDate): Promise<OverdueInvoice[]> {
    const date = asOf.toString();
    const marked: OverdueInvoice[] = [];
    for (;;) {
      const batch = await this.dataSource.transaction(async (manager) => {
        const invoices = await this.repository.markOverdue(manager, date, BATCH);
        for (const invoice of invoices) {
          await this.outbox.record(manager, {
            type: EventTypes.invoiceOverdue,
            key: invoice.accountId,
            subject: `invoice/${invoice.documentId}`,
            data: invoiceOverdueEvent(invoice, date),
          });
        }
        return invoices;
      });
      marked.push(...batch.map(({ documentId, number }) => ({ documentId, number })));
      if (batch.length < BATCH) return marked;
    }
  }
}
