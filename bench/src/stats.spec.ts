import { closedLoop, percentile, summarize } from './stats';

describe('percentile (nearest rank)', () => {
  it('takes the value at rank ceil(p/100 × n)', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 100)).toBe(100);
    expect(percentile([7, 9, 30], 50)).toBe(9);
    expect(percentile([7, 9, 30], 99)).toBe(30);
  });

  it('is NaN without samples', () => {
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('summarize', () => {
  it('sorts the samples before ranking them', () => {
    expect(summarize([30, 7, 9])).toEqual({ count: 3, p50: 9, p95: 30, p99: 30, max: 30 });
  });
});

describe('closedLoop', () => {
  it('runs every task once with no more than `concurrency` in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const done: number[] = [];
    await closedLoop(25, 4, async (i) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      done.push(i);
      inFlight--;
    });
    expect(done.sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(most).toBe(4);
  });
});
