/** Codes of every failure the invoicing API reports; the one filter (`api/invoicing-error.filter.ts`) maps each to HTTP. */
export enum InvoicingErrorCode {
  InvoiceNotFound = 'INVOICING.INVOICE_NOT_FOUND',
  CreditNoteNotFound = 'INVOICING.CREDIT_NOTE_NOT_FOUND',
  BillRunNotFound = 'INVOICING.BILL_RUN_NOT_FOUND',
  IdempotencyKeyReused = 'INVOICING.IDEMPOTENCY_KEY_REUSED',
  PaymentCurrencyMismatch = 'INVOICING.PAYMENT_CURRENCY_MISMATCH',
  Overpayment = 'INVOICING.OVERPAYMENT',
  InvoiceAlreadySettled = 'INVOICING.INVOICE_ALREADY_SETTLED',
}

/** The one error the invoicing service throws at its edge; `code` says what went wrong, `extensions` add members to the problem. */
export class InvoicingError extends Error {
  constructor(
    readonly code: InvoicingErrorCode,
    message: string,
    readonly extensions: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'InvoicingError';
  }
}
