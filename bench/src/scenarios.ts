import { EventTypes } from '@o2c/contracts';
import { Client } from 'pg';
import { benchDeal, fiveYearRamp, signedHeaders, type BenchDeal } from './deals';
import { cpuMeter, cpuMsPer, type CpuProbe } from './proc';
import { type BenchStack } from './stack';
import { closedLoop, openLoop, summarize, type LatencySummary } from './stats';
import { type EventWatch } from './watch';

/** Milliseconds on a monotonic clock. */
export const now = () => performance.now();

export interface BenchDay {
  /** Today (UTC), the start of every benchmark deal's term: its first invoice and its licence are due at once. */
  readonly today: string;
  /** A minute ago, the deals' `closedAt`. */
  readonly closedAt: string;
}

export interface IntakeResult {
  readonly mode: string;
  readonly deals: number;
  readonly concurrency?: number;
  readonly ratePerSecond?: number;
  readonly rejected: number;
  readonly seconds: number;
  /** Deals whose webhook answered 2xx, per second of posting. */
  readonly acceptedPerSecond: number;
  /** Deals per second from the first post to the last deal's invoice and licence events. */
  readonly endToEndPerSecond: number;
  /** From the last webhook answer to the last deal's invoice and licence events. */
  readonly drainSeconds: number;
  readonly webhookMs: LatencySummary;
  readonly toInvoiceMs: LatencySummary;
  readonly toLicenceMs: LatencySummary;
  /** CPU seconds per deal of each process group, over the whole run (posting and draining). */
  readonly cpuMsPerDeal: Record<string, number>;
}

/**
 * Posts `n` new deals through the signed webhook (a closed loop of `concurrency`, or an open loop at
 * `ratePerSecond`), and waits for each one's first invoice and licence events.
 */
export async function intake(
  stack: BenchStack,
  watch: EventWatch,
  day: BenchDay,
  runId: string,
  n: number,
  load: { concurrency: number } | { ratePerSecond: number },
  cpu: Readonly<Record<string, CpuProbe>>,
): Promise<IntakeResult> {
  const deals = Array.from({ length: n }, (_, i) => benchDeal(runId, i, day.today, day.closedAt));
  const deals_ = stack.first('deals').baseUrl;
  const webhook: number[] = [];
  const toInvoice: number[] = [];
  const toLicence: number[] = [];
  let rejected = 0;
  let lastAnswer = 0;
  const arrivals: Promise<void>[] = [];
  const meter = cpuMeter(cpu);
  const started = now();
  const post = async (deal: BenchDeal) => {
    const t0 = now();
    const response = await fetch(`${deals_}/v1/webhooks/deals`, {
      method: 'POST',
      headers: signedHeaders(stack.secret, deal.body, new Date()),
      body: deal.body,
    });
    const text = await response.text();
    const t1 = now();
    webhook.push(t1 - t0);
    lastAnswer = Math.max(lastAnswer, t1);
    if (response.status !== 202 && response.status !== 200) {
      rejected++;
      process.stderr.write(`deal ${deal.dealId} (${deal.shape}): ${response.status} ${text}\n`);
      return;
    }
    arrivals.push(
      Promise.all([
        watch.seen(deal.accountId, EventTypes.invoiceIssued).then((at) => toInvoice.push(at - t0)),
        watch.seen(deal.accountId, EventTypes.licenseProvisioned).then((at) => toLicence.push(at - t0)),
      ]).then(() => undefined),
    );
  };
  if ('concurrency' in load) await closedLoop(n, load.concurrency, (i) => post(deals[i]!));
  else await openLoop(n, load.ratePerSecond, (i) => post(deals[i]!), now);
  const posted = now();
  await Promise.all(arrivals);
  const drained = now();
  const cpuSeconds = meter();
  const accepted = n - rejected;
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    mode: 'concurrency' in load ? 'flat out' : 'fixed rate',
    deals: n,
    ...load,
    rejected,
    seconds: round((drained - started) / 1000),
    acceptedPerSecond: round((accepted * 1000) / (posted - started)),
    endToEndPerSecond: round((accepted * 1000) / (drained - started)),
    drainSeconds: round((drained - lastAnswer) / 1000),
    webhookMs: summarize(webhook),
    toInvoiceMs: summarize(toInvoice),
    toLicenceMs: summarize(toLicence),
    cpuMsPerDeal: cpuMsPer(cpuSeconds, accepted, 1),
  };
}

/** One deal at a time, each waited for until its invoice and licence exist: the pipeline's own latency. */
export async function serialLatency(
  stack: BenchStack,
  watch: EventWatch,
  day: BenchDay,
  runId: string,
  n: number,
): Promise<{ deals: number; toInvoiceMs: LatencySummary; toLicenceMs: LatencySummary }> {
  const toInvoice: number[] = [];
  const toLicence: number[] = [];
  for (let i = 0; i < n; i++) {
    const deal = benchDeal(`${runId}s`, i, day.today, day.closedAt);
    const t0 = now();
    const response = await fetch(`${stack.first('deals').baseUrl}/v1/webhooks/deals`, {
      method: 'POST',
      headers: signedHeaders(stack.secret, deal.body, new Date()),
      body: deal.body,
    });
    if (response.status !== 202)
      throw new Error(`deal ${deal.dealId}: ${response.status} ${await response.text()}`);
    const [invoiced, licensed] = await Promise.all([
      watch.seen(deal.accountId, EventTypes.invoiceIssued),
      watch.seen(deal.accountId, EventTypes.licenseProvisioned),
    ]);
    toInvoice.push(invoiced - t0);
    toLicence.push(licensed - t0);
  }
  return { deals: n, toInvoiceMs: summarize(toInvoice), toLicenceMs: summarize(toLicence) };
}

export interface PreviewResult {
  readonly requests: number;
  readonly concurrency: number;
  readonly documents: number;
  readonly requestsPerSecond: number;
  readonly latencyMs: LatencySummary;
}

/** The preview of a five-year ramped deal with seats, `requests` times at `concurrency`. */
export async function preview(
  stack: BenchStack,
  day: BenchDay,
  runId: string,
  requests: number,
  concurrency: number,
): Promise<PreviewResult> {
  const body = fiveYearRamp(runId, day.today, day.closedAt);
  const url = `${stack.first('deals').baseUrl}/v1/deals/preview`;
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${stack.adminToken}` };
  const latencies: number[] = [];
  let documents = 0;
  const started = now();
  await closedLoop(requests, concurrency, async () => {
    const t0 = now();
    const response = await fetch(url, { method: 'POST', headers, body });
    const answer = (await response.json()) as { documents?: unknown[] };
    latencies.push(now() - t0);
    if (response.status !== 200) throw new Error(`preview: ${response.status} ${JSON.stringify(answer)}`);
    documents = answer.documents?.length ?? 0;
  });
  const seconds = (now() - started) / 1000;
  return {
    requests,
    concurrency,
    documents,
    requestsPerSecond: Math.round((requests / seconds) * 10) / 10,
    latencyMs: summarize(latencies),
  };
}

export interface BillRunResult {
  readonly contracts: number;
  readonly documentsIssued: number;
  readonly seconds: number;
  readonly documentsPerSecond: number;
  readonly seedSeconds: number;
  /** CPU of each process over the run (from the request until it shows finished), per document issued, in ms. */
  readonly cpuMsPerDocument: Record<string, number>;
}

/**
 * A bill run over `contracts` contracts. The invoicing database is seeded with copies of the contracts the
 * intake made (their stored versions, under new contract and account ids, nothing issued yet), then
 * `POST /v1/bill-runs {"asOf": today}` issues every copy's first document(s); timed from the request until
 * `GET /v1/bill-runs/{id}` shows it finished (polled every 100 ms).
 */
export async function billRun(
  stack: BenchStack,
  day: BenchDay,
  contracts: number,
  cpu: Readonly<Record<string, CpuProbe>>,
): Promise<BillRunResult> {
  const db = new Client({ connectionString: stack.databases.invoicing.url });
  await db.connect();
  try {
    const seedStarted = now();
    const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM billed_contract`);
    const originals = Number(rows[0]!.n);
    if (originals === 0) throw new Error('bill run: the intake made no contract to copy');
    const copies = Math.ceil(contracts / originals);
    await db.query('BEGIN');
    await db.query(
      `CREATE TEMP TABLE copy_of AS
         SELECT bc.contract_id AS original, bc.contract_id || '-c' || g AS contract_id,
                bc.account_id || '-c' || g AS account_id
           FROM (SELECT * FROM billed_contract ORDER BY contract_id) bc CROSS JOIN generate_series(1, $1) g
          LIMIT $2`,
      [copies, contracts],
    );
    await db.query(
      `INSERT INTO contract_version (contract_id, version, event_type, event_data, received_at)
       SELECT c.contract_id, v.version, v.event_type,
              jsonb_set(jsonb_set(v.event_data, '{contractId}', to_jsonb(c.contract_id)),
                        '{accountId}', to_jsonb(c.account_id)),
              v.received_at
         FROM copy_of c JOIN contract_version v ON v.contract_id = c.original`,
    );
    await db.query(
      `INSERT INTO billed_contract (contract_id, account_id, next_document_date)
       SELECT contract_id, account_id, $1::date FROM copy_of`,
      [day.today],
    );
    await db.query('COMMIT');
    await db.query('ANALYZE');
    const seedSeconds = (now() - seedStarted) / 1000;
    const count = async () =>
      Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM document`)).rows[0]!.n);
    const before = await count();
    const meter = cpuMeter(cpu);
    const started = now();
    const base = stack.first('invoicing').baseUrl;
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${stack.adminToken}` };
    const response = await fetch(`${base}/v1/bill-runs`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ asOf: day.today }),
    });
    // Before bill runs were jobs (o2c before 2026-12), the answer came once the run had ended, with 200.
    if (response.status !== 202 && response.status !== 200)
      throw new Error(`bill run: ${response.status} ${await response.text()}`);
    const location = response.headers.get('location');
    let status = response.status === 200 ? 'finished' : 'running';
    while (status === 'running') {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const run = (await (await fetch(`${base}${location}`, { headers })).json()) as { status: string };
      status = run.status;
      if (status !== 'running' && status !== 'finished') throw new Error(`bill run: ${JSON.stringify(run)}`);
    }
    const seconds = (now() - started) / 1000;
    const cpuSeconds = meter();
    const issued = (await count()) - before;
    const round = (x: number) => Math.round(x * 10) / 10;
    return {
      contracts,
      documentsIssued: issued,
      seconds: round(seconds),
      documentsPerSecond: round(issued / seconds),
      seedSeconds: round(seedSeconds),
      cpuMsPerDocument: cpuMsPer(cpuSeconds, issued, 2),
    };
  } finally {
    await db.end();
  }
}
