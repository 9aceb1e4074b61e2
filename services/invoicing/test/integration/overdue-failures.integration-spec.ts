import { randomUUID } from 'node:crypto';
import { EventTypes } from '@o2c/contracts';
import { billRun, runFailures, type RunningService } from '@o2c/testing';
import { type Client } from 'pg';
import { type InvoicingEnv } from '../../src/config/env.schema';
import {
  basicSeatsDeal,
  publishNewContracts,
  startInvoicing,
  stopInvoicing,
} from '../support/invoicing-test-kit';

// Four contracts of one month from 2026-01-01, 10 × 10.00 USD, 30 days to pay (US customer, 0 % tax): one invoice
// of 100.00 USD each on 2026-01-01, due 2026-01-31, unpaid, numbered in the order of the contract ids. In the
// database, the second invoice's currency is corrupt, so that its overdue event is invalid once the invoice is
// marked; a constraint refuses the third invoice the overdue status. The overdue run of 2026-02-01 marks the first
// and the last, sets the other two aside with their reasons, tries them again next time, and marks them once fixed.

let sut: RunningService<InvoicingEnv>;
let db: Client;
const [first, badCurrency, refused, last] = [1, 2, 3, 4]
  .map(() => `c-overdue-failure-${randomUUID()}`)
  .sort() as [string, string, string, string];
const all = [first, badCurrency, refused, last];
const BAD_CURRENCY = /^InvalidEventError: o2c\.invoice\.overdue\.v1 data is invalid: .*currency/;
const REFUSED = `QueryFailedError: new row for relation "document" violates check constraint "refuses_overdue"`;
const invoiceOf = new Map<string, string>();

async function statuses(): Promise<string[]> {
  const { rows } = await db.query<{ status: string }>(
    `SELECT status FROM document WHERE document_id = ANY($1::uuid[]) ORDER BY number`,
    [all.map((contractId) => invoiceOf.get(contractId))],
  );
  return rows.map((row) => row.status);
}

async function overdueEvents(): Promise<string[]> {
  const { rows } = await db.query<{ subject: string }>(
    `SELECT subject FROM outbox WHERE type = $1 ORDER BY subject`,
    [EventTypes.invoiceOverdue],
  );
  return rows.map((row) => row.subject);
}

const subjectOf = (contractId: string) => `invoice/${invoiceOf.get(contractId)}`;

beforeAll(async () => {
  ({ sut, db } = await startInvoicing());
  await publishNewContracts(
    { sut, db },
    all,
    (contractId) => basicSeatsDeal(contractId, { termMonths: 1, paymentTermsDays: 30 }),
    'Late Payer Ltd',
  );
  const issuing = await billRun(sut, '2026-01-01');
  expect(issuing.issued.map((document) => [document.contractId, document.number])).toEqual([
    [first, 'INV-2026-000001'],
    [badCurrency, 'INV-2026-000002'],
    [refused, 'INV-2026-000003'],
    [last, 'INV-2026-000004'],
  ]);
  for (const document of issuing.issued) invoiceOf.set(document.contractId, document.documentId);
  await db.query(`UPDATE document SET currency = 'usd' WHERE document_id = $1`, [invoiceOf.get(badCurrency)]);
  await db.query(
    `ALTER TABLE document ADD CONSTRAINT refuses_overdue
       CHECK (document_id <> '${invoiceOf.get(refused)}' OR status <> 'overdue')`,
  );
});

afterAll(() => stopInvoicing({ sut, db }));

describe('an overdue run with invoices that cannot be marked', () => {
  it('marks the others, with their events, and answers the ones it set aside, with the reasons', async () => {
    const run = await billRun(sut, '2026-02-01');
    expect([run.issued, run.failed]).toEqual([[], []]);
    expect(run.overdue.map((invoice) => invoice.number).sort()).toEqual([
      'INV-2026-000001',
      'INV-2026-000004',
    ]);
    const failed = new Map(run.overdueFailed.map((failure) => [failure.contractId, failure]));
    expect([...failed.keys()].sort()).toEqual([badCurrency, refused].sort());
    expect(failed.get(badCurrency)).toMatchObject({
      documentId: invoiceOf.get(badCurrency),
      number: 'INV-2026-000002',
      attempts: 1,
    });
    expect(failed.get(badCurrency)!.error).toMatch(BAD_CURRENCY);
    expect(failed.get(refused)).toEqual({
      documentId: invoiceOf.get(refused),
      number: 'INV-2026-000003',
      contractId: refused,
      error: REFUSED,
      code: '23514',
      attempts: 1,
    });
    // Neither is left marked without its event.
    expect(await statuses()).toEqual(['overdue', 'open', 'open', 'overdue']);
    expect(await overdueEvents()).toEqual([subjectOf(first), subjectOf(last)].sort());
  });

  it('lists them for operations', async () => {
    const items = await runFailures(sut, 'overdue');
    const byContract = new Map(items.map((item) => [item.contractId, item]));
    expect([...byContract.keys()].sort()).toEqual([badCurrency, refused].sort());
    expect(byContract.get(badCurrency)).toMatchObject({
      run: 'overdue',
      itemId: invoiceOf.get(badCurrency),
      asOf: '2026-02-01',
      code: null,
      attempts: 1,
      resolvedAt: null,
    });
    expect(byContract.get(badCurrency)!.error).toMatch(BAD_CURRENCY);
    expect(byContract.get(refused)).toMatchObject({
      run: 'overdue',
      itemId: invoiceOf.get(refused),
      asOf: '2026-02-01',
      error: REFUSED,
      code: '23514',
      attempts: 1,
      resolvedAt: null,
    });
    expect(await runFailures(sut, 'bill-run')).toEqual([]);
  });

  it('tries them again in the next run, and counts the attempts', async () => {
    const run = await billRun(sut, '2026-02-01');
    expect(run.overdue).toEqual([]);
    expect(run.overdueFailed.map((failure) => [failure.number, failure.attempts]).sort()).toEqual([
      ['INV-2026-000002', 2],
      ['INV-2026-000003', 2],
    ]);
    expect((await runFailures(sut, 'overdue')).map((failure) => failure.attempts)).toEqual([2, 2]);
  });

  it('marks them once fixed, once, and resolves their failures', async () => {
    await db.query(`UPDATE document SET currency = 'USD' WHERE document_id = $1`, [
      invoiceOf.get(badCurrency),
    ]);
    await db.query(`ALTER TABLE document DROP CONSTRAINT refuses_overdue`);
    const run = await billRun(sut, '2026-02-01');
    expect(run.overdue.map((invoice) => invoice.number).sort()).toEqual([
      'INV-2026-000002',
      'INV-2026-000003',
    ]);
    expect(run.overdueFailed).toEqual([]);
    expect(await statuses()).toEqual(['overdue', 'overdue', 'overdue', 'overdue']);
    expect(await overdueEvents()).toEqual(all.map(subjectOf).sort());
    expect(await runFailures(sut, 'overdue')).toEqual([]);
    const resolved = await runFailures(sut, 'overdue', 'resolved');
    expect(resolved.map((failure) => [failure.itemId, failure.attempts]).sort()).toEqual(
      [
        [invoiceOf.get(badCurrency), 2],
        [invoiceOf.get(refused), 2],
      ].sort(),
    );
    expect((await billRun(sut, '2026-03-01')).overdue).toEqual([]);
  });
});
