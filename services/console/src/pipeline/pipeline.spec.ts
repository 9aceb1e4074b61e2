import { countDeals, type DealSummary, jobsFromMetrics } from './pipeline';

const deal = (status: DealSummary['status'], receivedAt: string): DealSummary => ({
  dealId: `D-${receivedAt}`,
  status,
  accountId: 'A1',
  kind: 'new',
  reasons: [],
  receivedAt,
});

describe(countDeals.name, () => {
  it('counts the deals of the day and of its month by status, and none of the month before', () => {
    const sut = countDeals(
      [
        deal('accepted', '2026-12-06T10:00:00.000Z'),
        deal('rejected', '2026-12-06T00:00:00.000Z'),
        deal('accepted', '2026-12-05T23:59:59.999Z'),
        deal('held', '2026-12-01T00:00:00.000Z'),
        deal('accepted', '2026-11-30T23:59:59.999Z'),
      ],
      '2026-12-06',
    );

    expect(sut).toEqual({
      today: { accepted: 1, held: 0, rejected: 1 },
      month: { accepted: 2, held: 1, rejected: 1 },
    });
  });
});

describe(jobsFromMetrics.name, () => {
  it('reads each periodic job: when it last succeeded and its runs by outcome', () => {
    const text = [
      '# HELP o2c_job_last_success_timestamp_seconds When the periodic job last finished without an error (Unix time)',
      '# TYPE o2c_job_last_success_timestamp_seconds gauge',
      'o2c_job_last_success_timestamp_seconds{periodic_job="bill-run",otel_scope_name="o2c"} 1796587200.5',
      '# TYPE o2c_job_runs_total counter',
      'o2c_job_runs_total{periodic_job="bill-run",outcome="success"} 3',
      'o2c_job_runs_total{periodic_job="bill-run",outcome="failure"} 1',
      'o2c_job_runs_total{outcome="failure",periodic_job="overdue-sweep"} 2',
      'o2c_http_requests_total{route="/v1/deals"} 9',
    ].join('\n');

    expect(jobsFromMetrics(text)).toEqual([
      { job: 'bill-run', lastSuccessAt: '2026-12-06T20:00:00.500Z', runs: { success: 3, failure: 1 } },
      { job: 'overdue-sweep', lastSuccessAt: null, runs: { success: 0, failure: 2 } },
    ]);
  });
});
