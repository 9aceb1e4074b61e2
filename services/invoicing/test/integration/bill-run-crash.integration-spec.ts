import { randomUUID } from 'node:crypto';
import { EventTypes, Topics } from '@o2c/contracts';
import { dropDatabase } from '@o2c/persistence';
import {
  billRun,
  createTestTopics,
  publishEvents,
  type ServiceProcess,
  startServiceProcess,
  type TestTopics,
  uniqueTestDatabase,
} from '@o2c/testing';
import { Client } from 'pg';
import { contractEvents } from '../support/invoicing-test-kit';

// A bill run killed half-way (SIGKILL of the service process while it issues) and run again by a new process:
// nothing missing, nothing twice, numbers gapless, every document's event published. 150 monthly contracts of
// 12 months in 2026 make 1,800 invoices due on 2026-12-01.

const CONTRACTS = 150;
const DOCUMENTS = 1800;
const database = uniqueTestDatabase('invoicing_crash');
let topics: TestTopics;
let db: Client;
const group = `invoicing-test-${randomUUID()}`;

/** The invoicing service as its own process, from its build, on the test's database and topics. */
function startInvoicing(): Promise<ServiceProcess> {
  return startServiceProcess(
    'invoicing',
    {
      KAFKA_TOPIC_NAMESPACE: topics.namespace,
      KAFKA_CONSUMER_GROUP: group,
      BILL_RUN_INTERVAL_MINUTES: '0',
      ISSUE_ON_CONTRACT_CHANGE: 'off',
      // 25 contracts (300 documents) a transaction: the kill falls between chunks of the run, not after its only one.
      BILL_RUN_CHUNK_CONTRACTS: '25',
    },
    database,
  );
}

async function count(sql: string, values: unknown[] = []): Promise<number> {
  const { rows } = await db.query<{ n: number }>(sql, values);
  return rows[0]!.n;
}

async function until(probe: () => Promise<boolean>, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const contractIds = Array.from({ length: CONTRACTS }, (_, index) => `c-crash-${index}-${randomUUID()}`);

beforeAll(async () => {
  topics = await createTestTopics('invoicing-crash');
});

afterAll(async () => {
  await db?.end();
  await dropDatabase(database);
  await topics?.delete();
});

describe('a bill run killed half-way and run again', () => {
  it('issues every document once, numbered without a gap, with every event published', async () => {
    const crashed = await startInvoicing();
    db = new Client({ connectionString: database.url });
    await db.connect();
    await publishEvents(
      topics.topic(Topics.subscriptions),
      contractIds.flatMap((contractId, index) =>
        contractEvents(
          [
            {
              dealId: `D-CRASH-${index}`,
              kind: 'new',
              currency: 'USD',
              terms: {
                startDate: '2026-01-01',
                termMonths: 12,
                billingFrequency: 'monthly',
                paymentTermsDays: 30,
              },
              lines: [{ id: 'L1', sku: 'SEAT-BASIC', quantity: index + 1, unitPrice: '10.00' }],
            },
          ],
          { contractId, account: { id: `acc-${index % 11}`, name: `Customer ${index % 11}`, country: 'US' } },
        ),
      ),
    );
    await until(
      async () => (await count('SELECT count(*)::int AS n FROM contract_version')) === CONTRACTS,
      'the contracts',
    );

    // Start the run, and kill the process once a sixth of the documents are issued.
    const interrupted = billRun(crashed, '2026-12-01').then(
      () => 'finished',
      () => 'interrupted',
    );
    await until(
      async () => (await count('SELECT count(*)::int AS n FROM document')) >= DOCUMENTS / 6,
      'issuing',
    );
    await crashed.kill('SIGKILL');
    expect(await interrupted).toBe('interrupted');
    const before = await count('SELECT count(*)::int AS n FROM document');
    expect(before).toBeLessThan(DOCUMENTS);
    expect(await count('SELECT count(*)::int AS n FROM bill_run WHERE finished_at IS NULL')).toBe(1);

    // Whole documents only: each committed with its number and its event.
    const restarted = await startInvoicing();
    try {
      const run = await billRun(restarted, '2026-12-01');
      expect(run.failed).toEqual([]);
      expect(run.issued).toHaveLength(DOCUMENTS - before);

      const { rows } = await db.query<{ number: string }>('SELECT number FROM document ORDER BY number');
      expect(rows.map((row) => row.number)).toEqual(
        Array.from({ length: DOCUMENTS }, (_, index) => `INV-2026-${String(index + 1).padStart(6, '0')}`),
      );
      const { rows: perContract } = await db.query<{ contract_id: string; dates: string[] }>(
        `SELECT contract_id, array_agg(issue_date::text ORDER BY issue_date) AS dates FROM document GROUP BY 1`,
      );
      expect(perContract).toHaveLength(CONTRACTS);
      const months = Array.from(
        { length: 12 },
        (_, index) => `2026-${String(index + 1).padStart(2, '0')}-01`,
      );
      for (const row of perContract) expect(row.dates).toEqual(months);

      const events = `SELECT count(*)::int AS n FROM outbox WHERE type = $1`;
      expect(await count(events, [EventTypes.invoiceIssued])).toBe(DOCUMENTS);
      expect(
        await count(`SELECT count(DISTINCT subject)::int AS n FROM outbox WHERE type = $1`, [
          EventTypes.invoiceIssued,
        ]),
      ).toBe(DOCUMENTS);
      // Due 30 days after issue and unsettled on 2026-12-01: January to October, 10 per contract, once each.
      expect(await count(events, [EventTypes.invoiceOverdue])).toBe(1500);
      // The new process relays what the killed one left unpublished.
      await until(
        async () => (await count('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL')) === 0,
        'the outbox relay',
      );

      const again = await billRun(restarted, '2026-12-01');
      expect([again.issued, again.overdue]).toEqual([[], []]);
    } finally {
      await restarted.stop();
    }
  });
});
