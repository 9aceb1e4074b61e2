// Pure parts of the pipeline view: counting deals by day and month, and reading the jobs from /metrics.

export type DealStatus = 'accepted' | 'held' | 'rejected';
export type Counts = Record<DealStatus, number>;

export interface DealSummary {
  dealId: string;
  status: DealStatus;
  accountId: string;
  kind: string;
  reasons: string[];
  receivedAt: string;
}

/** Deals received on `today` and in its month (UTC dates), by status. */
export function countDeals(deals: readonly DealSummary[], today: string): { today: Counts; month: Counts } {
  const zero = (): Counts => ({ accepted: 0, held: 0, rejected: 0 });
  const counts = { today: zero(), month: zero() };
  const month = today.slice(0, 7);
  for (const deal of deals) {
    const day = deal.receivedAt.slice(0, 10);
    if (day.slice(0, 7) !== month) continue;
    counts.month[deal.status] += 1;
    if (day === today) counts.today[deal.status] += 1;
  }
  return counts;
}

export interface JobReading {
  job: string;
  /** When it last ended without an error (ISO), or null if it has not since the service started. */
  lastSuccessAt: string | null;
  runs: { success: number; failure: number };
}

function labelsOf(text: string): Record<string, string> {
  return Object.fromEntries([...text.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]));
}

/** The periodic jobs of one service, from its Prometheus text (`o2c_job_*`, libs/observability). */
export function jobsFromMetrics(text: string): JobReading[] {
  const jobs = new Map<string, JobReading>();
  const job = (name: string) => {
    let reading = jobs.get(name);
    if (!reading) {
      reading = { job: name, lastSuccessAt: null, runs: { success: 0, failure: 0 } };
      jobs.set(name, reading);
    }
    return reading;
  };
  for (const line of text.split('\n')) {
    const match = /^(o2c_job_last_success_timestamp_seconds|o2c_job_runs(?:_total)?)\{([^}]*)\}\s+(\S+)/.exec(
      line,
    );
    if (!match) continue;
    const labels = labelsOf(match[2]!);
    const name = labels.periodic_job;
    if (!name) continue;
    const value = Number(match[3]);
    if (match[1] === 'o2c_job_last_success_timestamp_seconds') {
      if (value > 0) job(name).lastSuccessAt = new Date(Math.round(value * 1000)).toISOString();
    } else if (labels.outcome === 'success' || labels.outcome === 'failure') {
      job(name).runs[labels.outcome] += value;
    }
  }
  return [...jobs.values()].sort((a, b) => a.job.localeCompare(b.job));
}
