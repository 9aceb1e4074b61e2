import { randomUUID } from 'node:crypto';
import { EventTypes, Topics } from '@o2c/contracts';
import {
  billRun,
  type BillRunAnswer,
  publishEvents,
  type RunningService,
  startServiceForTest,
} from '@o2c/testing';
import { Client } from 'pg';
import { invoicingService } from '../../src/app.module';
import { type InvoicingEnv } from '../../src/config/env.schema';
import { contractEvents } from '../support/invoicing-test-kit';

// Eight bill runs at once, on two instances of the service sharing one database, over 1,000 due invoices:
// 100 monthly contracts of 10 months, all in 2026. Every invoice is issued once, numbered INV-2026-000001 …
// INV-2026-001000 without a gap, every contract has its 10 invoices, and each of the 800 invoices past due on
// the run's date (those of January to August, due 30 days after) is marked overdue once.

const CONTRACTS = 100;
const MONTHS = [
  '2026-01-01',
  '2026-02-01',
  '2026-03-01',
  '2026-04-01',
  '2026-05-01',
  '2026-06-01',
  '2026-07-01',
  '2026-08-01',
  '2026-09-01',
  '2026-10-01',
];

let first: RunningService<InvoicingEnv>;
let second: RunningService<InvoicingEnv>;
let db: Client;
const contractIds = Array.from({ length: CONTRACTS }, (_, index) => `c-many-${index}-${randomUUID()}`);

beforeAll(async () => {
  const group = `invoicing-test-${randomUUID()}`;
  const settings = {
    KAFKA_CONSUMER_GROUP: group,
    ISSUE_ON_CONTRACT_CHANGE: 'off',
    BILL_RUN_INTERVAL_MINUTES: '0',
    // Ten contracts a transaction: each run goes through ten chunks, which meet the other runs' on the way.
    BILL_RUN_CHUNK_CONTRACTS: '10',
  };
  first = await startServiceForTest(invoicingService, settings);
  second = await startServiceForTest(invoicingService, {
    ...settings,
    DATABASE_URL: first.database.url,
    KAFKA_TOPIC_NAMESPACE: first.topicNamespace,
  });
  db = new Client({ connectionString: first.database.url });
  await db.connect();
  await publishEvents(
    first.topic(Topics.subscriptions),
    contractIds.flatMap((contractId, index) =>
      contractEvents(
        [
          {
            dealId: `D-MANY-${index}`,
            kind: 'new',
            currency: 'USD',
            terms: {
              startDate: '2026-01-01',
              termMonths: 10,
              billingFrequency: 'monthly',
              paymentTermsDays: 30,
            },
            lines: [{ id: 'L1', sku: 'SEAT-BASIC', quantity: index + 1, unitPrice: '10.00' }],
          },
        ],
        { contractId, account: { id: `acc-${index % 7}`, name: `Customer ${index % 7}`, country: 'US' } },
      ),
    ),
  );
  for (;;) {
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM contract_version');
    if (rows[0]!.n === CONTRACTS) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}, 120_000);

afterAll(async () => {
  await db.end();
  await second.stop();
  await first.stop();
});

describe('eight bill runs at once over 1,000 due invoices', () => {
  let runs: BillRunAnswer[];

  beforeAll(async () => {
    runs = await Promise.all(
      Array.from({ length: 8 }, (_, index) => billRun(index % 2 === 0 ? first : second, '2026-10-01')),
    );
  }, 300_000);

  it('issues every invoice once, in one of the runs', () => {
    expect(runs.flatMap((run) => run.failed)).toEqual([]);
    const issued = runs.flatMap((run) => run.issued);
    expect(issued).toHaveLength(1000);
    expect(new Set(issued.map((document) => document.documentId)).size).toBe(1000);
  });

  it('numbers them INV-2026-000001 … INV-2026-001000: no gap, none twice', async () => {
    const { rows } = await db.query<{ number: string }>('SELECT number FROM document ORDER BY number');
    expect(rows.map((row) => row.number)).toEqual(
      Array.from({ length: 1000 }, (_, index) => `INV-2026-${String(index + 1).padStart(6, '0')}`),
    );
    const { rows: counters } = await db.query<{ prefix: string; year: number; last_number: number }>(
      'SELECT prefix, year, last_number FROM document_number',
    );
    expect(counters).toEqual([{ prefix: 'INV', year: 2026, last_number: 1000 }]);
  });

  it('gives every contract exactly its 10 monthly invoices, each with one event', async () => {
    const { rows } = await db.query<{ contract_id: string; dates: string[] }>(
      `SELECT contract_id, array_agg(issue_date::text ORDER BY issue_date) AS dates FROM document GROUP BY 1`,
    );
    expect(rows).toHaveLength(CONTRACTS);
    for (const row of rows) {
      expect(contractIds).toContain(row.contract_id);
      expect(row.dates).toEqual(MONTHS);
    }
    const { rows: events } = await db.query<{ n: number; subjects: number }>(
      `SELECT count(*)::int AS n, count(DISTINCT subject)::int AS subjects FROM outbox WHERE type = $1`,
      [EventTypes.invoiceIssued],
    );
    expect(events[0]).toEqual({ n: 1000, subjects: 1000 });
  });

  it('marks each of the 800 invoices past due overdue once, in one of the runs', async () => {
    const overdue = runs.flatMap((run) => run.overdue);
    expect(overdue).toHaveLength(800);
    expect(new Set(overdue.map((invoice) => invoice.documentId)).size).toBe(800);
    const { rows } = await db.query<{ n: number; subjects: number }>(
      `SELECT count(*)::int AS n, count(DISTINCT subject)::int AS subjects FROM outbox WHERE type = $1`,
      [EventTypes.invoiceOverdue],
    );
    expect(rows[0]).toEqual({ n: 800, subjects: 800 });
    const { rows: statuses } = await db.query<{ status: string; n: number }>(
      `SELECT status, count(*)::int AS n FROM document GROUP BY 1 ORDER BY 1`,
    );
    expect(statuses).toEqual([
      { status: 'open', n: 200 },
      { status: 'overdue', n: 800 },
    ]);
  });

  it('issues nothing more when run again', async () => {
    const again = await billRun(second, '2026-10-01');
    expect([again.issued, again.overdue, again.failed]).toEqual([[], [], []]);
  });
});
