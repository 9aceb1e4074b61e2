/** Codes of every failure the subscriptions API reports; the one filter (`api/subscriptions-error.filter.ts`) maps each to HTTP. */
export enum SubscriptionsErrorCode {
  ContractNotFound = 'SUBSCRIPTIONS.CONTRACT_NOT_FOUND',
}

/** The one error the subscriptions service throws at its edge; `code` says what went wrong. */
export class SubscriptionsError extends Error {
  constructor(
    readonly code: SubscriptionsErrorCode,
    message: string,
    readonly extensions: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'SubscriptionsError';
  }
}
