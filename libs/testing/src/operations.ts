import { eventually } from './eventually';

/** A running service, in-process or a process: where it answers and its admin token. */
export interface OperationsTarget {
  readonly baseUrl: string;
  adminHeaders(headers?: Record<string, string>): Record<string, string>;
}

/** An operations call with the admin token: its status and its JSON body (undefined when empty). */
export async function adminCall<T>(
  target: OperationsTarget,
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T; location: string | null }> {
  const response = await fetch(`${target.baseUrl}${path}`, {
    method,
    headers: target.adminHeaders(body === undefined ? {} : { 'content-type': 'application/json' }),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: (text ? JSON.parse(text) : undefined) as T,
    location: response.headers.get('location'),
  };
}

/** GETs `path` of an operations endpoint with the admin token; rejects unless it answers 200. */
export async function getJson<T>(target: OperationsTarget, path: string): Promise<T> {
  const url = `${target.baseUrl}${path}`;
  const response = await fetch(url, { headers: target.adminHeaders() });
  if (response.status !== 200) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** An item a run set aside, as `GET /v1/admin/run-failures` lists it (every service that runs jobs has it). */
export interface RunFailureAnswer {
  run: string;
  itemId: string;
  contractId: string;
  asOf: string;
  error: string;
  code: string | null;
  attempts: number;
  firstFailedAt: string;
  lastFailedAt: string;
  resolvedAt: string | null;
}

/** The failures `GET /v1/admin/run-failures?run=<run>&status=<status>` lists. */
export async function runFailures(
  target: OperationsTarget,
  run: string,
  status: 'open' | 'resolved' | 'all' = 'open',
): Promise<RunFailureAnswer[]> {
  const answer = await getJson<{ items: RunFailureAnswer[] }>(
    target,
    `/v1/admin/run-failures?run=${run}&status=${status}`,
  );
  return answer.items;
}

export interface BillRunAnswer {
  billRunId: string;
  issued: { documentId: string; number: string; kind: string; issueDate: string; contractId: string }[];
  failed: { contractId: string; error: string; code?: string; attempts: number }[];
  overdue: { documentId: string; number: string }[];
  overdueFailed: {
    documentId: string;
    number: string;
    contractId: string;
    error: string;
    code?: string;
    attempts: number;
  }[];
}

/** `GET /v1/bill-runs/{id}`. */
export interface BillRunView {
  billRunId: string;
  asOf: string;
  status: 'running' | 'finished' | 'failed' | 'interrupted';
  startedAt: string;
  finishedAt: string | null;
  progress: { contracts: number; issued: number; failed: number };
  failed?: BillRunAnswer['failed'];
  overdue?: BillRunAnswer['overdue'];
  overdueFailed?: BillRunAnswer['overdueFailed'];
  error?: string;
  documents: string;
}

/**
 * A whole bill run of invoicing as an operator follows it: `POST /v1/bill-runs` (202 with the run),
 * `GET /v1/bill-runs/{id}` until it has ended, then every page of `GET /v1/bill-runs/{id}/documents`; rejects if
 * the service stops answering or the run does not end or does not finish.
 */
export async function billRun(target: OperationsTarget, asOf: string): Promise<BillRunAnswer> {
  const call = async <T>(method: 'GET' | 'POST', path: string, body?: unknown) => {
    const answer = await adminCall<T>(target, method, path, body);
    if (answer.status !== (method === 'POST' ? 202 : 200))
      throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer;
  };
  const started = await call<BillRunView>('POST', '/v1/bill-runs', { asOf });
  expect(started.location).toBe(`/v1/bill-runs/${started.body.billRunId}`);
  const run = await eventually(
    async () => {
      const view = (await call<BillRunView>('GET', started.location!)).body;
      return view.status === 'running' ? undefined : view;
    },
    { timeoutMs: 120_000, intervalMs: 100, what: `bill run ${asOf} still running` },
  );
  if (run.status !== 'finished') throw new Error(`bill run ${asOf}: ${JSON.stringify(run)}`);
  const issued: BillRunAnswer['issued'] = [];
  for (let cursor: string | null = ''; cursor !== null;) {
    const page: { body: { items: BillRunAnswer['issued']; nextCursor: string | null } } = await call(
      'GET',
      `${run.documents}?limit=1000${cursor ? `&cursor=${cursor}` : ''}`,
    );
    issued.push(...page.body.items);
    cursor = page.body.nextCursor;
  }
  expect(issued).toHaveLength(run.progress.issued);
  return {
    billRunId: run.billRunId,
    issued,
    failed: run.failed!,
    overdue: run.overdue!,
    overdueFailed: run.overdueFailed!,
  };
}
