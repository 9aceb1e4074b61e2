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

/** PostgreSQL's SQLSTATEs of a server that is going away or cannot take the session now. */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
/** Node's errors of a connection refused, reset or timed out. */
const UNAVAILABLE_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
/** node-postgres' messages for a connection that ended under it (they carry no code). */
const UNAVAILABLE_MESSAGES = [
  /^Connection terminated/,
  /^Client has encountered a connection error/,
  /^timeout exceeded when trying to connect/,
  /^Client was closed/,
];

/**
 * The failure is the database or the network being away (a restart, a failover, a cut connection), not anything
 * about the work: the same work succeeds once it is back, however long that takes. Looked for through `cause` and
 * TypeORM's `driverError`.
 */
export function isInfrastructureUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; typeof e === 'object' && e !== null && depth < 5; depth++) {
    const { code, message, driverError, cause } = e as {
      code?: unknown;
      message?: unknown;
      driverError?: unknown;
      cause?: unknown;
    };
    if (
      typeof code === 'string' &&
      (UNAVAILABLE_ERRNOS.has(code) || UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08'))
    )
      return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message)))
      return true;
    e = driverError ?? cause;
  }
  return false;
}

export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
