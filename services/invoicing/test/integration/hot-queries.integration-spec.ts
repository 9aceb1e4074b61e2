import { planOf, type RunningService, sequentialScans, sqlOf } from '@o2c/testing';
import { type Client } from 'pg';
import { type DataSource, type EntityManager } from 'typeorm';
import { type InvoicingEnv } from '../../src/config/env.schema';
import { BillRunRepository } from '../../src/modules/invoices/infra/bill-run.repository';
import { DocumentRepository } from '../../src/modules/invoices/infra/document.repository';
import { InvoicingRepository } from '../../src/modules/invoices/infra/invoicing.repository';
import { startInvoicing, stopInvoicing } from '../support/invoicing-test-kit';

// The queries a bill run and the consumer make for every contract, as the repositories write them, planned by
// PostgreSQL against tables of 100,000 contracts, their versions and documents: none may read a whole table.

let sut: RunningService<InvoicingEnv>;
let db: Client;
const ROWS = 100_000;
const HOT_TABLES = new Set(['contract_version', 'billed_contract', 'document', 'bill_run']);

beforeAll(async () => {
  ({ sut, db } = await startInvoicing());
  await db.query(`
    INSERT INTO contract_version (contract_id, version, event_type, event_data, received_at)
    SELECT 'c-' || g, 1, 'o2c.subscription.activated.v1', jsonb_build_object('contractId', 'c-' || g), now()
      FROM generate_series(1, ${ROWS}) g`);
  await db.query(`
    INSERT INTO billed_contract (contract_id, account_id, next_document_date)
    SELECT 'c-' || g, 'a-' || (g % 5000), date '2027-01-01' + (g % 365) FROM generate_series(1, ${ROWS}) g`);
  await db.query(`INSERT INTO bill_run (bill_run_id, as_of, started_at, heartbeat_at)
    SELECT gen_random_uuid(), date '2027-01-01' + (g % 365), now(), now() FROM generate_series(1, 1000) g`);
  await db.query(`
    INSERT INTO document (document_id, kind, number, contract_id, account_id, document_key, issue_date, due_date,
      currency, total_minor, status, data, issued_at, bill_run_id)
    SELECT gen_random_uuid(), 'invoice', 'INV-2027-' || g, 'c-' || g, 'a-' || (g % 5000), 'regular:2027-01-01',
      date '2027-01-01', date '2027-01-31', 'EUR', 100, 'open', '{"lines": []}', now(),
      (SELECT bill_run_id FROM bill_run ORDER BY bill_run_id LIMIT 1 OFFSET (g % 1000))
      FROM generate_series(1, ${ROWS}) g`);
  await db.query('ANALYZE');
}, 300_000);

afterAll(() => stopInvoicing({ sut, db }));

describe('the hot queries on 100,000 contracts', () => {
  const invoicing = new InvoicingRepository();
  const billRuns = new BillRunRepository();
  // The listing reads through its DataSource; a manager sends the same query.
  const documents = (m: EntityManager) => new DocumentRepository(m as unknown as DataSource);
  const some = Array.from({ length: 50 }, (_, i) => `c-${i * 1999 + 7}`);
  const cases: [string, (manager: EntityManager) => Promise<unknown>][] = [
    ["a contract's versions", (m) => invoicing.versions(m, 'c-4242')],
    ["a chunk's versions", (m) => invoicing.versionsOf(m, some)],
    ["a contract's documents", (m) => invoicing.issued(m, 'c-4242')],
    ["a chunk's documents", (m) => invoicing.issuedOf(m, some)],
    ["a contract's invoices, as listed", (m) => documents(m).page('invoice', { contractId: 'c-4242' }, 50)],
    ["an account's invoices, as listed", (m) => documents(m).page('invoice', { accountId: 'a-42' }, 50)],
    ['the first due contracts', (m) => invoicing.dueContracts(m, '2027-01-10', 50)],
    [
      'the next due contracts',
      (m) => invoicing.dueContracts(m, '2027-01-10', 50, { date: '2027-01-05', contractId: 'c-1234' }),
    ],
    [
      "a chunk's next document dates",
      (m) =>
        invoicing.setNextDocumentDates(
          m,
          some.map((contractId) => ({ contractId, date: '2027-02-01' })),
        ),
    ],
    ["a contract's next document date", (m) => invoicing.setNextDocumentDate(m, 'c-4242', '2027-02-01')],
    ['a bill run', (m) => billRuns.find(m, '0190a0e0-0000-7000-8000-000000000000')],
    ['the latest bill runs', (m) => billRuns.list(m, 20)],
    [
      "a page of a bill run's documents",
      (m) =>
        billRuns.documents(
          m,
          '0190a0e0-0000-7000-8000-000000000000',
          100,
          '0190a0e0-0000-7000-8000-000000000001',
        ),
    ],
  ];

  it.each(cases)('%s: no sequential scan of a hot table', async (_, call) => {
    const [sql, parameters] = await sqlOf(call);
    const plan = await planOf(db, sql, parameters);
    expect(sequentialScans(plan).filter((table) => HOT_TABLES.has(table))).toEqual([]);
  });

  it('sees a sequential scan where there is one (the check itself)', async () => {
    const plan = await planOf(db, `SELECT * FROM document WHERE currency = $1`, ['EUR']);
    expect(sequentialScans(plan)).toEqual(['document']);
  });
});
