import { BILL_RUN_STALE_AFTER_MS, billRunStatus } from './bill-run';

describe('billRunStatus', () => {
  const now = new Date('2027-03-01T10:00:00Z');
  const ago = (ms: number) => new Date(now.getTime() - ms);
  const outcome = { failed: [], overdue: [], overdueFailed: [] };

  it('is running while the run reports progress', () => {
    expect(billRunStatus({ finishedAt: null, heartbeatAt: ago(1_000), outcome: null }, now)).toBe('running');
    expect(
      billRunStatus({ finishedAt: null, heartbeatAt: ago(BILL_RUN_STALE_AFTER_MS), outcome: null }, now),
    ).toBe('running');
  });

  it('is interrupted once the run stopped reporting without ending', () => {
    expect(
      billRunStatus({ finishedAt: null, heartbeatAt: ago(BILL_RUN_STALE_AFTER_MS + 1), outcome: null }, now),
    ).toBe('interrupted');
  });

  it('is finished once ended, or failed when it ended on an error', () => {
    expect(billRunStatus({ finishedAt: ago(10), heartbeatAt: ago(10), outcome }, now)).toBe('finished');
    expect(
      billRunStatus(
        { finishedAt: ago(10), heartbeatAt: ago(10), outcome: { ...outcome, error: 'boom' } },
        now,
      ),
    ).toBe('failed');
  });
});
