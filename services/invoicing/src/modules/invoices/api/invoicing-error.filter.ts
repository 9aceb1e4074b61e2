import { Catch, HttpStatus } from '@nestjs/common';
import { type CodeProblem, CodedErrorFilter } from '@o2c/platform';
import { InvoicingError, InvoicingErrorCode } from '../domain/invoicing.errors';

/** The HTTP status and title of each code: the one place the invoicing service maps its errors to HTTP. */
export const INVOICING_PROBLEMS: Readonly<Record<InvoicingErrorCode, CodeProblem>> = {
  [InvoicingErrorCode.InvoiceNotFound]: { status: HttpStatus.NOT_FOUND, title: 'Invoice not found' },
  [InvoicingErrorCode.CreditNoteNotFound]: { status: HttpStatus.NOT_FOUND, title: 'Credit note not found' },
  [InvoicingErrorCode.BillRunNotFound]: { status: HttpStatus.NOT_FOUND, title: 'Bill run not found' },
  [InvoicingErrorCode.IdempotencyKeyReused]: {
    status: HttpStatus.CONFLICT,
    title: 'Idempotency key already used for another payment',
  },
  [InvoicingErrorCode.PaymentCurrencyMismatch]: {
    status: HttpStatus.UNPROCESSABLE_ENTITY,
    title: 'Payment in another currency than the invoice',
  },
  [InvoicingErrorCode.Overpayment]: {
    status: HttpStatus.UNPROCESSABLE_ENTITY,
    title: 'Payment exceeds the amount due',
  },
  [InvoicingErrorCode.InvoiceAlreadySettled]: {
    status: HttpStatus.UNPROCESSABLE_ENTITY,
    title: 'Invoice already settled',
  },
};

/** Answers an InvoicingError as RFC 9457 problem+json, in the same form as every other error of the service. */
@Catch(InvoicingError)
export class InvoicingErrorFilter extends CodedErrorFilter<InvoicingErrorCode> {
  constructor() {
    super(INVOICING_PROBLEMS);
  }
}
