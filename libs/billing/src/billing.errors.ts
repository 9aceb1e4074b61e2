/** Codes of every failure `@o2c/billing` reports; callers map them to their own errors. */
export enum BillingErrorCode {
  InvalidDate = 'BILLING.INVALID_DATE',
  InvalidTerm = 'BILLING.INVALID_TERM',
  InvalidPeriod = 'BILLING.INVALID_PERIOD',
  InvalidChange = 'BILLING.INVALID_CHANGE',
  UnknownTaxCountry = 'BILLING.UNKNOWN_TAX_COUNTRY',
}

/** The one error `@o2c/billing` throws; `code` says which rule was broken. */
export class BillingError extends Error {
  constructor(
    readonly code: BillingErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'BillingError';
  }
}
