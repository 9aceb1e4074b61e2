/** Codes of every failure the deals service reports; the one filter (`api/deals-error.filter.ts`) maps each to HTTP. */
export enum DealsErrorCode {
  NotBillable = 'DEALS.NOT_BILLABLE',
  DealNotFound = 'DEALS.DEAL_NOT_FOUND',
  CatalogEntryNotFound = 'DEALS.CATALOG_ENTRY_NOT_FOUND',
}

/** The one error the deals service throws at its edge; `code` says what went wrong, `extensions` add members to the problem. */
export class DealsError extends Error {
  constructor(
    readonly code: DealsErrorCode,
    message: string,
    readonly extensions: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'DealsError';
  }
}
