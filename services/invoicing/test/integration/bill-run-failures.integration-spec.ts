import { randomUUID } from 'node:crypto';
import { billRun, type BillRunAnswer, runFailures, type RunningService } from '@o2c/testing';
import { type Client } from 'pg';
import { type InvoicingEnv } from '../../src/config/env.schema';
import {
  basicSeatsDeal,
  publishNewContracts,
  startInvoicing,
  stopInvoicing,
} from '../support/invoicing-test-kit';

// Four contracts of 10 × 10.00 USD a month from 2026-01-01 for 3 months, 60 days to pay (US customer, 0 % tax):
// each bills 100.00 USD on 2026-01-01, 02-01 and 03-01, none overdue by 2026-03-01; the run takes them in the
// order of their ids. In the database, the second lost its customer's details, so that it cannot be billed;
// the third's billing email is not one, so that its first invoice fails once it has its number. The bill run
// bills the first and the last without a gap in the numbers, sets the other two aside with their reasons, tries
// them again next time, and bills them once fixed.

let sut: RunningService<InvoicingEnv>;
let db: Client;
const [first, noAccount, badEmail, last] = [1, 2, 3, 4]
  .map(() => `c-bill-run-failure-${randomUUID()}`)
  .sort() as [string, string, string, string];
const all = [first, noAccount, badEmail, last];
const stored = new Map<string, unknown>();
const NO_ACCOUNT = `CannotIssueError: contract ${noAccount} names no customer account details`;
const BAD_EMAIL = /^InvalidEventError: o2c\.invoice\.issued\.v1 data is invalid: .*billingEmail/;

const numbered = (run: BillRunAnswer) =>
  run.issued.map((document) => [document.contractId, document.number, document.issueDate]);

beforeAll(async () => {
  ({ sut, db } = await startInvoicing());
  await publishNewContracts(
    { sut, db },
    all,
    (contractId) => basicSeatsDeal(contractId, { termMonths: 3, paymentTermsDays: 60 }),
    'Acme Inc',
  );
  for (const contractId of [noAccount, badEmail]) {
    const { rows } = await db.query<{ event_data: unknown }>(
      `SELECT event_data FROM contract_version WHERE contract_id = $1`,
      [contractId],
    );
    stored.set(contractId, rows[0]!.event_data);
  }
  await db.query(`UPDATE contract_version SET event_data = event_data - 'account' WHERE contract_id = $1`, [
    noAccount,
  ]);
  await db.query(
    `UPDATE contract_version SET event_data = jsonb_set(event_data, '{account,billingEmail}', '"not-an-email"')
      WHERE contract_id = $1`,
    [badEmail],
  );
});

afterAll(() => stopInvoicing({ sut, db }));

describe('a bill run with contracts that cannot be billed', () => {
  it('bills the others, numbered without a gap, and answers the ones it set aside, with the reasons', async () => {
    const run = await billRun(sut, '2026-03-01');
    expect(numbered(run)).toEqual([
      [first, 'INV-2026-000001', '2026-01-01'],
      [first, 'INV-2026-000002', '2026-02-01'],
      [first, 'INV-2026-000003', '2026-03-01'],
      [last, 'INV-2026-000004', '2026-01-01'],
      [last, 'INV-2026-000005', '2026-02-01'],
      [last, 'INV-2026-000006', '2026-03-01'],
    ]);
    expect(run.failed).toHaveLength(2);
    expect(run.failed[0]).toEqual({ contractId: noAccount, error: NO_ACCOUNT, attempts: 1 });
    expect(run.failed[1]).toMatchObject({ contractId: badEmail, attempts: 1 });
    expect(run.failed[1]!.error).toMatch(BAD_EMAIL);
    expect([run.overdue, run.overdueFailed]).toEqual([[], []]);
    const { rows } = await db.query<{ contract_id: string; n: number }>(
      `SELECT contract_id, count(*)::int AS n FROM document GROUP BY 1 ORDER BY 1`,
    );
    expect(rows.map((row) => [row.contract_id, row.n])).toEqual([
      [first, 3],
      [last, 3],
    ]);
  });

  it('lists them for operations', async () => {
    const items = await runFailures(sut, 'bill-run');
    expect(items.map((item) => item.contractId).sort()).toEqual([noAccount, badEmail].sort());
    const byContract = new Map(items.map((item) => [item.contractId, item]));
    expect(byContract.get(noAccount)).toMatchObject({
      run: 'bill-run',
      itemId: noAccount,
      asOf: '2026-03-01',
      error: NO_ACCOUNT,
      code: null,
      attempts: 1,
      resolvedAt: null,
    });
    expect(byContract.get(badEmail)).toMatchObject({
      run: 'bill-run',
      itemId: badEmail,
      asOf: '2026-03-01',
      code: null,
      attempts: 1,
      resolvedAt: null,
    });
    expect(byContract.get(badEmail)!.error).toMatch(BAD_EMAIL);
    expect(await runFailures(sut, 'overdue')).toEqual([]);
  });

  it('tries them again in the next run, and counts the attempts', async () => {
    const run = await billRun(sut, '2026-03-01');
    expect(run.issued).toEqual([]);
    expect(run.failed.map((failure) => [failure.contractId, failure.attempts])).toEqual([
      [noAccount, 2],
      [badEmail, 2],
    ]);
    expect((await runFailures(sut, 'bill-run')).map((failure) => failure.attempts)).toEqual([2, 2]);
  });

  it('bills them once fixed, and resolves their failures', async () => {
    for (const [contractId, data] of stored) {
      await db.query(`UPDATE contract_version SET event_data = $2 WHERE contract_id = $1`, [
        contractId,
        JSON.stringify(data),
      ]);
    }
    const run = await billRun(sut, '2026-03-01');
    expect(numbered(run)).toEqual([
      [noAccount, 'INV-2026-000007', '2026-01-01'],
      [noAccount, 'INV-2026-000008', '2026-02-01'],
      [noAccount, 'INV-2026-000009', '2026-03-01'],
      [badEmail, 'INV-2026-000010', '2026-01-01'],
      [badEmail, 'INV-2026-000011', '2026-02-01'],
      [badEmail, 'INV-2026-000012', '2026-03-01'],
    ]);
    expect(run.failed).toEqual([]);
    expect(await runFailures(sut, 'bill-run')).toEqual([]);
    const resolved = await runFailures(sut, 'bill-run', 'resolved');
    expect(resolved.map((failure) => [failure.contractId, failure.attempts]).sort()).toEqual(
      [
        [noAccount, 2],
        [badEmail, 2],
      ].sort(),
    );
    expect(resolved.every((failure) => failure.resolvedAt !== null)).toBe(true);
    expect((await billRun(sut, '2026-03-01')).issued).toEqual([]);
  });
});
