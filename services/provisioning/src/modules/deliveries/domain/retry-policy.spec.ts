import { parseRetryAfter, retryDelayMs, type RetryPolicy } from './retry-policy';

describe(retryDelayMs.name, () => {
  const sut: RetryPolicy = { maxAttempts: 6, initialDelayMs: 30_000, maxDelayMs: 6 * 3_600_000 };

  it('waits 30 s, 2 min, 8 min, 32 min, then 6 h at most, without jitter at random 0.5', () => {
    expect([1, 2, 3, 4, 5].map((attempt) => retryDelayMs(sut, attempt, 0.5))).toEqual([
      30_000, 120_000, 480_000, 1_920_000, 7_680_000,
    ]);
    expect(retryDelayMs({ ...sut, maxAttempts: 10 }, 7, 0.5)).toBe(21_600_000);
  });

  it('gives up after the last attempt', () => {
    expect(retryDelayMs(sut, 6, 0.5)).toBeUndefined();
  });

  it('spreads the wait by ±20 %', () => {
    expect(retryDelayMs(sut, 1, 0)).toBe(24_000);
    expect(retryDelayMs(sut, 1, 0.999999)).toBe(36_000);
  });

  it('waits a longer Retry-After exactly, keeps the backoff over a shorter one, and caps it at a day', () => {
    expect(retryDelayMs(sut, 1, 0.5, 120_000)).toBe(120_000);
    expect(retryDelayMs(sut, 2, 0.5, 1_000)).toBe(120_000);
    expect(retryDelayMs(sut, 1, 0.5, 3 * 86_400_000)).toBe(86_400_000);
    expect(retryDelayMs(sut, 6, 0.5, 1_000)).toBeUndefined();
  });
});

describe(parseRetryAfter.name, () => {
  const now = new Date('2026-03-01T10:00:00Z');

  it('reads delay-seconds and HTTP dates', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Sun, 01 Mar 2026 10:01:30 GMT', now)).toBe(90_000);
    expect(parseRetryAfter('Sun, 01 Mar 2026 09:00:00 GMT', now)).toBe(0);
  });

  it('ignores what is absent or unreadable', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
  });
});
