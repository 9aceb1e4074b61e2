import { randomUUID } from 'node:crypto';
import { adminCall, billRun, type BillRunView, type RunningService, waitForValue } from '@o2c/testing';
import { Client } from 'pg';
import { type InvoicingEnv } from '../../src/config/env.schema';
import {
  basicSeatsDeal,
  publishNewContracts,
  startInvoicing,
  stopInvoicing,
} from '../support/invoicing-test-kit';

// 120 contracts of 10 × 10.00 USD a month for one month from 2026-01-01 (US customer, 0 % tax): one invoice
// each, dated 2026-01-01. More than two chunks of the run. While the run goes, another transaction holds one
// contract (as the consumer does while it bills a contract change): the run bills the others, then that one.

let sut: RunningService<InvoicingEnv>;
let db: Client;
const CONTRACTS = 120;
const contractIds = Array.from(
  { length: CONTRACTS },
  (_, i) => `c-jobs-${String(i).padStart(3, '0')}-${randomUUID()}`,
);
const held = contractIds[7]!;

const call = <T>(method: 'GET' | 'POST', path: string, body?: unknown) =>
  adminCall<T>(sut, method, path, body);

const count = async (sql: string) => (await db.query<{ n: number }>(sql)).rows[0]!.n;

beforeAll(async () => {
  ({ sut, db } = await startInvoicing());
  await publishNewContracts(
    { sut, db },
    contractIds,
    (contractId) => basicSeatsDeal(contractId, { termMonths: 1, paymentTermsDays: 30 }),
    'Acme Inc',
  );
});

afterAll(() => stopInvoicing({ sut, db }));

describe('a bill run as a job', () => {
  it('answers 202 at once, shows its progress, bills a contract held elsewhere last, lists what it issued', async () => {
    const holder = new Client({ connectionString: sut.database.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`contract:${held}`]);

      const started = await fetch(`${sut.baseUrl}/v1/bill-runs`, {
        method: 'POST',
        headers: sut.adminHeaders({ 'content-type': 'application/json' }),
        body: JSON.stringify({ asOf: '2026-01-01' }),
      });
      expect(started.status).toBe(202);
      const run = (await started.json()) as BillRunView;
      expect(started.headers.get('location')).toBe(`/v1/bill-runs/${run.billRunId}`);
      expect(run).toMatchObject({ asOf: '2026-01-01', status: 'running', finishedAt: null });

      // Every contract but the held one is billed; the run waits for that one.
      const waiting = await waitForValue(async () => {
        const { body } = await call<BillRunView>('GET', `/v1/bill-runs/${run.billRunId}`);
        return body.progress.contracts === CONTRACTS - 1 ? body : undefined;
      });
      expect(waiting).toMatchObject({
        status: 'running',
        progress: { contracts: CONTRACTS - 1, issued: CONTRACTS - 1, failed: 0 },
      });
      // The run waits for the held contract holding no numbering: the holder, as the consumer would, takes the
      // numbering before it commits, and does not wait for the run (it would wait for ever: a deadlock).
      await waitForValue(async () =>
        (await count(`SELECT count(*)::int AS n FROM pg_locks
              WHERE locktype = 'advisory' AND NOT granted
                AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`)) > 0
          ? true
          : undefined,
      );
      await holder.query(`SET LOCAL lock_timeout = '10s'`);
      await holder.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
        `numbering:${sut.env.ISSUING_ENTITY}`,
      ]);
      await holder.query('COMMIT');

      const finished = await waitForValue(async () => {
        const { body } = await call<BillRunView>('GET', `/v1/bill-runs/${run.billRunId}`);
        return body.status === 'running' ? undefined : body;
      });
      expect(finished).toMatchObject({
        status: 'finished',
        progress: { contracts: CONTRACTS, issued: CONTRACTS, failed: 0 },
        failed: [],
        overdue: [],
        overdueFailed: [],
        documents: `/v1/bill-runs/${run.billRunId}/documents`,
      });

      // Page by page, in the order issued: numbers without a gap, the held contract's last.
      type Page = {
        items: { contractId: string; number: string; issueDate: string }[];
        nextCursor: string | null;
      };
      const pages: Page[] = [];
      for (let cursor: string | null = ''; cursor !== null;) {
        const page: { status: number; body: Page } = await call<Page>(
          'GET',
          `${finished.documents}?limit=50${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(page.status).toBe(200);
        pages.push(page.body);
        cursor = page.body.nextCursor;
      }
      expect(pages.map((page) => page.items.length)).toEqual([50, 50, 20]);
      const documents = pages.flatMap((page) => page.items);
      expect(documents.map((d) => d.number)).toEqual(
        Array.from({ length: CONTRACTS }, (_, i) => `INV-2026-${String(i + 1).padStart(6, '0')}`),
      );
      expect(documents.at(-1)!.contractId).toBe(held);
      expect(new Set(documents.map((d) => d.contractId)).size).toBe(CONTRACTS);

      const { body: list } = await call<{ items: BillRunView[] }>('GET', '/v1/bill-runs?limit=5');
      expect(list.items[0]).toMatchObject({ billRunId: run.billRunId, status: 'finished' });
    } finally {
      await holder.end();
    }
  });

  it('a second run for the same date issues nothing', async () => {
    const again = await billRun(sut, '2026-01-01');
    expect([again.issued, again.failed]).toEqual([[], []]);
  });

  it('refuses what it cannot take, naming it, and starts nothing', async () => {
    const runs = await count('SELECT count(*)::int AS n FROM bill_run');
    const notFound = await call<{ status: number; code: string }>('GET', `/v1/bill-runs/${randomUUID()}`);
    expect(notFound).toMatchObject({
      status: 404,
      body: { status: 404, code: 'INVOICING.BILL_RUN_NOT_FOUND' },
    });
    expect((await call('GET', '/v1/bill-runs/not-a-uuid')).status).toBe(400);
    expect((await call('GET', `/v1/bill-runs?limit=0`)).status).toBe(400);
    const bad = await call<{ detail: string }>('POST', '/v1/bill-runs', { asOf: '2026-02-30' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('asOf');
    expect(await count('SELECT count(*)::int AS n FROM bill_run')).toBe(runs);
  });
});
