import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { applyDeal, type ContractVersion, type DealInput } from '@o2c/billing';
import { type CatalogEntrySnapshotV1, contractEventOf, type DealAccountV1 } from '@o2c/contracts';
import { randomUUID } from 'node:crypto';
import { type RunningService, startServiceForTest, type TestEvent, waitForValue } from '@o2c/testing';
import { Client } from 'pg';
import { invoicingService } from '../../src/app.module';
import { type InvoicingEnv } from '../../src/config/env.schema';

// What the invoicing integration specs share: contracts made by the billing engine from deals and sent as the
// subscriptions service sends them, bill runs over HTTP, and the text of a PDF as a parser reads it.

const CATALOG: Record<
  string,
  { name: string; chargeType: 'recurring' | 'one_time'; pricePeriod: 'month' | 'year' }
> = {
  'SEAT-PRO': { name: 'Pro seat', chargeType: 'recurring', pricePeriod: 'year' },
  'SEAT-BASIC': { name: 'Basic seat', chargeType: 'recurring', pricePeriod: 'month' },
  ONBOARDING: { name: 'Onboarding', chargeType: 'one_time', pricePeriod: 'month' },
};

export type TestDeal = Omit<DealInput, 'lines'> & {
  lines: { id: string; sku?: string; quantity?: number; unitPrice?: string; discountPercent?: string }[];
};

function catalogEntry(sku: string): CatalogEntrySnapshotV1 {
  const entry = CATALOG[sku]!;
  return {
    sku,
    version: 1,
    name: entry.name,
    chargeType: entry.chargeType,
    ...(entry.chargeType === 'recurring' ? { defaultPricePeriod: entry.pricePeriod } : {}),
  };
}

/** The `o2c.subscription.*.v1` events of a contract made of `deals`, version 1 first, keyed by the account. */
export function contractEvents(
  deals: TestDeal[],
  identity: { contractId: string; account: DealAccountV1 },
): TestEvent[] {
  const history: ContractVersion[] = [];
  const skus = new Map<string, string>();
  for (const deal of deals) {
    const lines = deal.lines.map((line) => {
      if (!line.sku) return line;
      skus.set(line.id, line.sku);
      const entry = CATALOG[line.sku]!;
      return {
        ...line,
        catalog: {
          chargeType: entry.chargeType,
          ...(entry.chargeType === 'recurring' ? { defaultPricePeriod: entry.pricePeriod } : {}),
        },
      };
    });
    history.push(applyDeal(history.at(-1), { ...deal, lines }));
  }
  const { contractId, account } = identity;
  return history.map((version) => {
    const event = contractEventOf(version, {
      contractId,
      accountId: account.id,
      account,
      source: { kind: 'deal', dealId: version.change.id, revision: 1 },
      charge: (lineId) => ({ chargeId: `${contractId}/${lineId}`, catalog: catalogEntry(skus.get(lineId)!) }),
    });
    return { ...event, key: account.id, subject: `contract/${contractId}`, source: 'o2c/subscriptions' };
  });
}

/** Resolves once invoicing stored `versions` versions of the contract. */
export async function contractStored(db: Client, contractId: string, versions: number): Promise<void> {
  await waitForValue(async () => {
    const { rows } = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM contract_version WHERE contract_id = $1',
      [contractId],
    );
    return rows[0]!.n === versions ? true : undefined;
  });
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

/** An item a run set aside, as `GET /v1/admin/run-failures` lists it. */
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

/** A running invoicing service, in-process or a process: where it answers and its admin token. */
export interface InvoicingTarget {
  readonly baseUrl: string;
  adminHeaders(headers?: Record<string, string>): Record<string, string>;
}

/**
 * A whole bill run as an operator follows it: `POST /v1/bill-runs` (202 with the run), `GET /v1/bill-runs/{id}`
 * until it has ended, then every page of `GET /v1/bill-runs/{id}/documents`; rejects if the service stops
 * answering or the run does not end.
 */
export async function billRun(target: InvoicingTarget, asOf: string): Promise<BillRunAnswer> {
  const call = async <T>(method: 'GET' | 'POST', path: string, body?: unknown) => {
    const response = await fetch(`${target.baseUrl}${path}`, {
      method,
      headers: target.adminHeaders(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (response.status !== (method === 'POST' ? 202 : 200))
      throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return { body: (await response.json()) as T, location: response.headers.get('location') };
  };
  const started = await call<BillRunView>('POST', '/v1/bill-runs', { asOf });
  expect(started.location).toBe(`/v1/bill-runs/${started.body.billRunId}`);
  let run = started.body;
  for (let polls = 0; run.status === 'running'; polls++) {
    if (polls > 1200) throw new Error(`bill run ${asOf} still running after 2 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    run = (await call<BillRunView>('GET', started.location!)).body;
  }
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

/** The failures `GET /v1/admin/run-failures?run=<run>&status=<status>` lists. */
export async function runFailures(
  target: InvoicingTarget,
  run: string,
  status: 'open' | 'resolved' | 'all' = 'open',
): Promise<RunFailureAnswer[]> {
  const answer = await getJson<{ items: RunFailureAnswer[] }>(
    target,
    `/v1/admin/run-failures?run=${run}&status=${status}`,
  );
  return answer.items;
}

/** GETs `path` of an operations endpoint with the admin token. */
export async function getJson<T>(target: InvoicingTarget, path: string): Promise<T> {
  const url = `${target.baseUrl}${path}`;
  const response = await fetch(url, { headers: target.adminHeaders() });
  if (response.status !== 200) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

const repositoryRoot = join(__dirname, '..', '..', '..', '..');

// pdf-parse runs PDF.js, whose worker is an ES module that jest's CommonJS runtime cannot import; a plain Node
// process reads the PDF instead.
const EXTRACT = `
const { PDFParse } = require('pdf-parse');
const chunks = [];
process.stdin.on('data', (chunk) => chunks.push(chunk));
process.stdin.on('end', async () => {
  const parser = new PDFParse({ data: Buffer.concat(chunks) });
  const { text } = await parser.getText();
  const { info } = await parser.getInfo();
  await parser.destroy();
  process.stdout.write(JSON.stringify({ text, creationDate: info.CreationDate, title: info.Title }));
});`;

/** The text of a PDF as pdf-parse extracts it, and its document information. */
export function pdfText(pdf: Buffer): { text: string; creationDate: string; title: string } {
  const out = execFileSync(process.execPath, ['-e', EXTRACT], { input: pdf, cwd: repositoryRoot });
  return JSON.parse(out.toString('utf8')) as { text: string; creationDate: string; title: string };
}

/** An invoicing service under test that issues only through bill runs, and a client on its database. */
export interface InvoicingUnderTest {
  sut: RunningService<InvoicingEnv>;
  db: Client;
}

export async function startInvoicing(overrides: Record<string, string> = {}): Promise<InvoicingUnderTest> {
  const sut = await startServiceForTest(invoicingService, {
    KAFKA_CONSUMER_GROUP: `invoicing-test-${randomUUID()}`,
    ISSUE_ON_CONTRACT_CHANGE: 'off',
    BILL_RUN_INTERVAL_MINUTES: '0',
    ...overrides,
  });
  const db = new Client({ connectionString: sut.database.url });
  await db.connect();
  return { sut, db };
}

export async function stopInvoicing(running: Partial<InvoicingUnderTest>): Promise<void> {
  await running.db?.end();
  await running.sut?.stop();
}
