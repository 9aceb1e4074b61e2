/** An item a bill run set aside: what it was, why, and in how many runs in a row it failed. */
export interface SetAside {
  error: string;
  code?: string;
  attempts: number;
}

/** What a finished bill run found that a person must look at. */
export interface BillRunOutcome {
  /** Contracts whose documents could not be issued; the others were billed regardless. */
  failed: ({ contractId: string } & SetAside)[];
  /** Invoices the run found unsettled after their due date (each is reported by one run only). */
  overdue: { documentId: string; number: string }[];
  /** Invoices found overdue that could not be marked; the others were marked regardless. */
  overdueFailed: ({ documentId: string; number: string; contractId: string } & SetAside)[];
  /** Why the run stopped before its end (the database went away…); what it committed stays issued. */
  error?: string;
}

export type BillRunStatus = 'running' | 'finished' | 'failed' | 'interrupted';

/** A run that has not reported progress for this long is taken for dead (its process was killed). */
export const BILL_RUN_STALE_AFTER_MS = 5 * 60_000;

/**
 * A run's status: running while it reports progress, finished or failed once it has ended, interrupted when it
 * stopped reporting without ending (a crash, a shutdown mid-run): the next run for any date takes the rest.
 */
export function billRunStatus(
  run: { finishedAt: Date | null; heartbeatAt: Date; outcome: BillRunOutcome | null },
  now: Date,
): BillRunStatus {
  if (run.finishedAt !== null) return run.outcome?.error === undefined ? 'finished' : 'failed';
  return now.getTime() - run.heartbeatAt.getTime() > BILL_RUN_STALE_AFTER_MS ? 'interrupted' : 'running';
}
