/** Codes of every failure `@o2c/money` reports; callers map them to their own errors. */
export enum MoneyErrorCode {
  UnknownCurrency = 'MONEY.UNKNOWN_CURRENCY',
  InvalidAmount = 'MONEY.INVALID_AMOUNT',
  TooManyDecimals = 'MONEY.TOO_MANY_DECIMALS',
  NegativeAmount = 'MONEY.NEGATIVE_AMOUNT',
  DivisionByZero = 'MONEY.DIVISION_BY_ZERO',
}

/** The one error `@o2c/money` throws; `code` says which rule was broken. */
export class MoneyError extends Error {
  constructor(
    readonly code: MoneyErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MoneyError';
  }
}
