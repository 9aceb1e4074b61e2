import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '@o2c/clock';
import { EventTypes } from '@o2c/contracts';
import { Outbox } from '@o2c/messaging';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { InvoicingError, InvoicingErrorCode } from '../../domain/invoicing.errors';
import { amountDue, checkPayment, invoicePaidEvent, statusAfter } from '../../domain/settlement';
import { type PaymentRow, SettlementRepository } from '../../infra/settlement.repository';
import { type RecordPaymentCommand } from './record-payment.command';

export interface RecordedPayment {
  /** The answer to the request, the same for every repetition of it. */
  result: Record<string, unknown>;
  /** True when the idempotency key had been used for this same payment before: nothing changed. */
  replayed: boolean;
}

function money(amountMinor: bigint, currency: string) {
  return { amountMinor: amountMinor.toString(), currency };
}

function samePayment(stored: PaymentRow, command: RecordPaymentCommand): boolean {
  return (
    stored.documentId === command.invoiceId &&
    stored.amountMinor === command.amountMinor &&
    stored.currency === command.currency &&
    stored.paymentDate === command.paymentDate &&
    stored.reference === command.reference
  );
}

/**
 * Records a payment against an invoice: partial payments add up; the payment that settles the invoice makes it
 * `paid` and records `o2c.invoice.paid.v1` in the same transaction. A repeated idempotency key returns the first
 * answer and changes nothing; requests with one key are serialised, so two arriving at once record one payment.
 * A refused payment (another currency, more than is due) stores nothing, its key included.
 */
@Injectable()
export class RecordPaymentHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: SettlementRepository,
    private readonly outbox: Outbox,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute(command: RecordPaymentCommand): Promise<RecordedPayment> {
    return this.dataSource.transaction(async (manager) => {
      await this.repository.lockIdempotencyKey(manager, command.idempotencyKey);
      const earlier = await this.repository.paymentByKey(manager, command.idempotencyKey);
      if (earlier) {
        if (!samePayment(earlier, command)) {
          throw new InvoicingError(
            InvoicingErrorCode.IdempotencyKeyReused,
            `Idempotency key "${command.idempotencyKey}" was used for another payment (payment ${earlier.paymentId}); ` +
              'use a new key for a new payment',
            { paymentId: earlier.paymentId },
          );
        }
        return { result: earlier.result, replayed: true };
      }
      const invoice = await this.repository.lockInvoice(manager, command.invoiceId);
      if (!invoice) {
        throw new InvoicingError(
          InvoicingErrorCode.InvoiceNotFound,
          `Invoice ${command.invoiceId} does not exist`,
        );
      }
      checkPayment(invoice, command);
      const balance = { ...invoice, paidMinor: invoice.paidMinor + command.amountMinor };
      const status = statusAfter(invoice.status, balance);
      const settles = status === 'paid' && invoice.status !== 'paid';
      await this.repository.setBalance(manager, invoice.documentId, {
        paidMinor: balance.paidMinor,
        creditedMinor: balance.creditedMinor,
        status,
        ...(settles ? { settledOn: command.paymentDate } : {}),
      });
      const paymentId = uuidv7();
      const recordedAt = this.clock.now().toISOString();
      const { currency } = invoice;
      const result = {
        paymentId,
        invoiceId: invoice.documentId,
        invoiceNumber: invoice.number,
        amount: money(command.amountMinor, currency),
        paymentDate: command.paymentDate,
        reference: command.reference,
        idempotencyKey: command.idempotencyKey,
        recordedAt,
        invoice: {
          status,
          total: money(balance.totalMinor, currency),
          amountPaid: money(balance.paidMinor, currency),
          amountCredited: money(balance.creditedMinor, currency),
          amountDue: money(amountDue(balance), currency),
        },
      };
      await this.repository.insertPayment(manager, {
        paymentId,
        documentId: invoice.documentId,
        idempotencyKey: command.idempotencyKey,
        amountMinor: command.amountMinor,
        currency,
        paymentDate: command.paymentDate,
        reference: command.reference,
        recordedAt,
        result,
      });
      if (settles) {
        await this.outbox.record(manager, {
          type: EventTypes.invoicePaid,
          key: invoice.accountId,
          subject: `invoice/${invoice.documentId}`,
          data: invoicePaidEvent(balance, command.paymentDate),
        });
      }
      return { result, replayed: false };
    });
  }
}
