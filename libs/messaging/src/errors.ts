/**
 * A failure that will fail again however often it is retried (a malformed or invalid event,
 * a business rule that refuses it). The consumer sends it to the dead-letter topic at once.
 * Every other error is taken as transient and retried with backoff first.
 */
export class NonRetryableError extends Error {
  readonly retryable = false;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The message is not a CloudEvent in binary mode with JSON data. */
export class MalformedEventError extends NonRetryableError {}

/** The event's data does not match the schema of its type. */
export class InvalidEventError extends NonRetryableError {
  constructor(
    readonly eventType: string,
    readonly problems: readonly string[],
  ) {
    super(`${eventType} data is invalid: ${problems.join('; ')}`);
  }
}

export function isRetryable(error: unknown): boolean {
  return !(
    typeof error === 'object' &&
    error !== null &&
    (error as { retryable?: unknown }).retryable === false
  );
}

export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
