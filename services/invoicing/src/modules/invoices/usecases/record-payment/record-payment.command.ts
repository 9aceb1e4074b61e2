/** A payment received for one invoice; `idempotencyKey` makes repeating the request harmless. */
export class RecordPaymentCommand {
  constructor(
    readonly invoiceId: string,
    readonly amountMinor: bigint,
    readonly currency: string,
    readonly paymentDate: string,
    readonly reference: string,
    readonly idempotencyKey: string,
  ) {}
}
