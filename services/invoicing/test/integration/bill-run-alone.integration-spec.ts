import { randomUUID } from 'node:crypto';
import { billRun, type RunningService } from '@o2c/testing';
import { type Client } from 'pg';
import { type InvoicingEnv } from '../../src/config/env.schema';
import { BillRunRepository } from '../../src/modules/invoices/infra/bill-run.repository';
import {
  basicSeatsDeal,
  publishNewContracts,
  startInvoicing,
  stopInvoicing,
} from '../support/invoicing-test-kit';

// 71 contracts of 10 × 10.00 USD a month from 2026-01-01 for 2 months, all due on 2026-02-01, in one chunk of the
// bill run (200 contracts by default). The first one's billing email is not one, so the chunk's batch fails and
// every contract goes one by one, each in a savepoint of its own: at most 50 of them in one transaction (PostgreSQL
// keeps 64 subtransactions in each snapshot's cache), the rest in the next, still numbered without a gap, in the
// contracts' order.

const CONTRACTS = 71;
let sut: RunningService<InvoicingEnv>;
let db: Client;
const contractIds = Array.from(
  { length: CONTRACTS },
  (_, index) => `c-alone-${String(index).padStart(3, '0')}-${randomUUID()}`,
);
const [badEmail] = contractIds as [string];

beforeAll(async () => {
  ({ sut, db } = await startInvoicing());
  await publishNewContracts(
    { sut, db },
    contractIds,
    (contractId) => basicSeatsDeal(contractId, { termMonths: 2, paymentTermsDays: 30 }),
    'Acme Inc',
  );
  await db.query(
    `UPDATE contract_version SET event_data = jsonb_set(event_data, '{account,billingEmail}', '"not-an-email"')
      WHERE contract_id = $1`,
    [badEmail],
  );
}, 120_000);

afterAll(() => stopInvoicing({ sut, db }));

describe('a bill run whose contracts go one by one', () => {
  it('bills at most 50 of them in a transaction, the others in the next, without a gap in the numbers', async () => {
    const progress = jest.spyOn(sut.app.get(BillRunRepository), 'progress');
    const run = await billRun(sut, '2026-02-01');

    expect(run.failed.map((failure) => failure.contractId)).toEqual([badEmail]);
    const billed = contractIds.slice(1);
    expect(run.issued.map((document) => [document.contractId, document.issueDate])).toEqual(
      billed.flatMap((contractId) => [
        [contractId, '2026-01-01'],
        [contractId, '2026-02-01'],
      ]),
    );
    const { rows: numbers } = await db.query<{ contract_id: string; number: string }>(
      `SELECT contract_id, number FROM document ORDER BY number`,
    );
    expect(numbers.map((row) => row.number)).toEqual(
      Array.from(
        { length: 2 * billed.length },
        (_, index) => `INV-2026-${String(index + 1).padStart(6, '0')}`,
      ),
    );
    expect(numbers.map((row) => row.contract_id)).toEqual(billed.flatMap((id) => [id, id]));

    // Each transaction records the run's progress once, with what it billed: the bad contract and 49 others, then
    // the last 21.
    expect(progress.mock.calls.map(([, , chunk]) => chunk)).toEqual([
      { contracts: 50, issued: 98, failed: 1 },
      { contracts: 21, issued: 42, failed: 0 },
    ]);
  }, 120_000);
});
