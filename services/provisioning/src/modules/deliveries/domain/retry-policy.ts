/** When a failed delivery is tried again: exponential backoff with jitter, `Retry-After` honoured. */
export interface RetryPolicy {
  /** Attempts in all, the first included; after the last failure the delivery is dead. */
  readonly maxAttempts: number;
  /** The wait after the first failure; each later one is four times longer, up to `maxDelayMs`. */
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

/** How much a wait may be shortened or lengthened at random (±20 %), so retries of many deliveries spread out. */
export const JITTER = 0.2;

/** The longest `Retry-After` taken as given; a longer one is read as a day. */
export const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

const BACKOFF_FACTOR = 4;

/**
 * The wait before the attempt after `attempt` (1-based) failed, or undefined when it was the last.
 * `random` is in [0, 1). A `Retry-After` longer than the backoff is waited exactly (the receiver said
 * when it can take it); a shorter one does not shorten the backoff.
 */
export function retryDelayMs(
  policy: RetryPolicy,
  attempt: number,
  random: number,
  retryAfterMs?: number,
): number | undefined {
  if (attempt >= policy.maxAttempts) return undefined;
  const backoff = Math.min(policy.maxDelayMs, policy.initialDelayMs * BACKOFF_FACTOR ** (attempt - 1));
  const jittered = Math.round(backoff * (1 - JITTER + 2 * JITTER * random));
  return retryAfterMs === undefined
    ? jittered
    : Math.max(jittered, Math.min(retryAfterMs, MAX_RETRY_AFTER_MS));
}

/**
 * A `Retry-After` header (RFC 9110 §10.2.3) in milliseconds from `now`: delay-seconds or an HTTP date.
 * Undefined when absent or unreadable; 0 for a date already past.
 */
export function parseRetryAfter(header: string | null | undefined, now: Date): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = /^[A-Za-z]{3},/.test(value) ? Date.parse(value) : NaN; // IMF-fixdate: `Sun, 01 Mar 2026 10:01:30 GMT`
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}
