import { type InvoiceOverdueV1, type InvoicePaidV1 } from '@o2c/contracts';
import { formatMinor } from '@o2c/money';
import { InvoicingError, InvoicingErrorCode } from './invoicing.errors';

/** An invoice's life after issue: `open`, `overdue` once a bill run finds it unsettled after its due date, `paid` once settled. */
export type InvoiceStatus = 'open' | 'overdue' | 'paid';

/** What an invoice owes: its total, less the payments received and the credit notes issued against it. */
export interface InvoiceBalance {
  currency: string;
  totalMinor: bigint;
  paidMinor: bigint;
  creditedMinor: bigint;
}

/**
 * `total − paid − credited`, never below zero: a credit note issued against an invoice already paid in full leaves
 * the customer a credit (refunds are not handled by invoicing in v1), not a negative amount due.
 */
export function amountDue(balance: InvoiceBalance): bigint {
  const due = balance.totalMinor - balance.paidMinor - balance.creditedMinor;
  return due > 0n ? due : 0n;
}

/** The status after a payment or a credit: `paid` once nothing is due, otherwise unchanged. */
export function statusAfter(status: InvoiceStatus, balance: InvoiceBalance): InvoiceStatus {
  return amountDue(balance) === 0n ? 'paid' : status;
}

/** An issued invoice with what it owes. */
export interface InvoiceAccount extends InvoiceBalance {
  documentId: string;
  number: string;
  accountId: string;
  contractId: string;
  issueDate: string;
  dueDate: string;
  status: InvoiceStatus;
}

function money(amountMinor: bigint, currency: string) {
  return { amountMinor: amountMinor.toString(), currency };
}

/** `o2c.invoice.paid.v1` of an invoice settled on `date` (by a payment of that date, or a credit note of that date). */
export function invoicePaidEvent(invoice: InvoiceAccount, date: string): InvoicePaidV1 {
  return {
    documentId: invoice.documentId,
    number: invoice.number,
    accountId: invoice.accountId,
    contractId: invoice.contractId,
    paymentDate: date,
    amountPaid: money(invoice.paidMinor, invoice.currency),
    total: money(invoice.totalMinor, invoice.currency),
  };
}

/** `o2c.invoice.overdue.v1` of an invoice a bill run for `asOf` found unsettled after its due date. */
export function invoiceOverdueEvent(invoice: InvoiceAccount, asOf: string): InvoiceOverdueV1 {
  return {
    documentId: invoice.documentId,
    number: invoice.number,
    accountId: invoice.accountId,
    contractId: invoice.contractId,
    issueDate: invoice.issueDate,
    dueDate: invoice.dueDate,
    overdueOn: asOf,
    total: money(invoice.totalMinor, invoice.currency),
    amountDue: money(amountDue(invoice), invoice.currency),
  };
}

/**
 * Refuses a payment that cannot be applied to the invoice as it is: another currency, more than is due, or
 * any payment once nothing is due. Partial payments are fine.
 */
export function checkPayment(
  invoice: InvoiceBalance & { number: string },
  payment: { amountMinor: bigint; currency: string },
): void {
  if (payment.currency !== invoice.currency) {
    throw new InvoicingError(
      InvoicingErrorCode.PaymentCurrencyMismatch,
      `Invoice ${invoice.number} is in ${invoice.currency}; a payment in ${payment.currency} cannot be applied to it`,
      { invoiceCurrency: invoice.currency },
    );
  }
  const due = amountDue(invoice);
  if (due === 0n) {
    throw new InvoicingError(
      InvoicingErrorCode.InvoiceAlreadySettled,
      `Invoice ${invoice.number} is already settled; nothing is due`,
      { amountDue: money(due, invoice.currency) },
    );
  }
  if (payment.amountMinor > due) {
    throw new InvoicingError(
      InvoicingErrorCode.Overpayment,
      `Payment of ${formatMinor(payment.amountMinor, payment.currency)} ${payment.currency} exceeds the ` +
        `${formatMinor(due, invoice.currency)} ${invoice.currency} due on invoice ${invoice.number}`,
      { amountDue: money(due, invoice.currency), amount: money(payment.amountMinor, payment.currency) },
    );
  }
}
