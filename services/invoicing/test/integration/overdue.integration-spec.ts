import { randomUUID } from 'node:crypto';
import { EventTypes, Topics } from '@o2c/contracts';
import { billRun, eventOn, getJson, publishEvents, type RunningService } from '@o2c/testing';
import { type Client } from 'pg';
import { type InvoicingEnv } from '../../src/config/env.schema';
import { contractEvents, contractStored, startInvoicing, stopInvoicing } from '../support/invoicing-test-kit';

// Overdue detection by as-of bill runs: an invoice unsettled after its due date is marked overdue once, with
// one o2c.invoice.overdue.v1, whatever runs come later; a paid invoice never is.
//
// 10 × 10.00 USD a month from 2026-01-01 for 3 months, 30 days to pay (US customer, 0 % tax): invoices of
// 100.00 USD on 2026-01-01 (due 01-31), 02-01 (due 03-03) and 03-01 (due 03-31).

let sut: RunningService<InvoicingEnv>;
let db: Client;
const contractId = `c-overdue-${randomUUID()}`;
const accountId = `acc-${contractId}`;
const invoices = new Map<string, string>();

beforeAll(async () => {
  ({ sut, db } = await startInvoicing());
  const events = contractEvents(
    [
      {
        dealId: 'D-OVERDUE',
        kind: 'new',
        currency: 'USD',
        terms: { startDate: '2026-01-01', termMonths: 3, billingFrequency: 'monthly', paymentTermsDays: 30 },
        lines: [{ id: 'L1', sku: 'SEAT-BASIC', quantity: 10, unitPrice: '10.00' }],
      },
    ],
    { contractId, account: { id: accountId, name: 'Late Payer Ltd', country: 'US' } },
  );
  await publishEvents(sut.topic(Topics.subscriptions), events);
  await contractStored(db, contractId, 1);
});

afterAll(() => stopInvoicing({ sut, db }));

async function overdueEvents(): Promise<{ subject: string; data: { overdueOn: string } }[]> {
  const { rows } = await db.query<{ subject: string; data: { overdueOn: string } }>(
    `SELECT subject, data FROM outbox WHERE type = $1 ORDER BY position`,
    [EventTypes.invoiceOverdue],
  );
  return rows;
}

describe('overdue invoices, found by the bill run', () => {
  it('finds nothing overdue on the due date itself', async () => {
    const run = await billRun(sut, '2026-01-31');
    for (const document of run.issued) invoices.set(document.issueDate, document.documentId);
    expect([...invoices.keys()]).toEqual(['2026-01-01']);
    expect(run.overdue).toEqual([]);
  });

  it('marks the first invoice overdue the day after its due date, with its event', async () => {
    const run = await billRun(sut, '2026-02-01');
    for (const document of run.issued) invoices.set(document.issueDate, document.documentId);
    expect(run.overdue.map((invoice) => invoice.documentId)).toEqual([invoices.get('2026-01-01')]);
    const event = await eventOn(
      sut.topic(Topics.invoices),
      (candidate) =>
        candidate.type === EventTypes.invoiceOverdue &&
        (candidate.data as { documentId: string }).documentId === invoices.get('2026-01-01'),
    );
    expect(event.key).toBe(accountId);
    expect(event.data).toEqual({
      documentId: invoices.get('2026-01-01'),
      number: run.overdue[0]!.number,
      accountId,
      contractId,
      issueDate: '2026-01-01',
      dueDate: '2026-01-31',
      overdueOn: '2026-02-01',
      total: { amountMinor: '10000', currency: 'USD' },
      amountDue: { amountMinor: '10000', currency: 'USD' },
    });
  });

  it('never marks a paid invoice, and marks each unpaid one once whatever runs follow', async () => {
    const paid = await fetch(`${sut.baseUrl}/v1/invoices/${invoices.get('2026-02-01')}/payments`, {
      method: 'POST',
      headers: sut.adminHeaders({ 'content-type': 'application/json' }),
      body: JSON.stringify({
        amount: { amountMinor: '10000', currency: 'USD' },
        paymentDate: '2026-02-20',
        reference: 'BANK-0220',
        idempotencyKey: `pay-${randomUUID()}`,
      }),
    });
    expect(paid.status).toBe(201);

    const march = await billRun(sut, '2026-03-04');
    for (const document of march.issued) invoices.set(document.issueDate, document.documentId);
    expect(march.overdue).toEqual([]);
    const april = await billRun(sut, '2026-04-01');
    expect(april.overdue.map((invoice) => invoice.documentId)).toEqual([invoices.get('2026-03-01')]);
    // Later runs, and runs for earlier dates, find nothing new.
    for (const asOf of ['2026-04-01', '2026-06-30', '2026-02-15']) {
      expect((await billRun(sut, asOf)).overdue).toEqual([]);
    }
    expect((await overdueEvents()).map((event) => [event.subject, event.data.overdueOn])).toEqual([
      [`invoice/${invoices.get('2026-01-01')}`, '2026-02-01'],
      [`invoice/${invoices.get('2026-03-01')}`, '2026-04-01'],
    ]);
  });

  it('lists invoices by status: overdue and paid', async () => {
    const list = (status: string) =>
      getJson<{ items: { documentId: string; status: string }[] }>(
        sut,
        `/v1/invoices?status=${status}&contractId=${encodeURIComponent(contractId)}`,
      );
    expect((await list('overdue')).items.map((item) => item.documentId).sort()).toEqual(
      [invoices.get('2026-01-01'), invoices.get('2026-03-01')].sort(),
    );
    expect((await list('paid')).items.map((item) => item.documentId)).toEqual([invoices.get('2026-02-01')]);
    expect((await list('open')).items).toEqual([]);
  });

  it('settles an overdue invoice when it is paid', async () => {
    const response = await fetch(`${sut.baseUrl}/v1/invoices/${invoices.get('2026-01-01')}/payments`, {
      method: 'POST',
      headers: sut.adminHeaders({ 'content-type': 'application/json' }),
      body: JSON.stringify({
        amount: { amountMinor: '10000', currency: 'USD' },
        paymentDate: '2026-04-10',
        reference: 'BANK-0410',
        idempotencyKey: `pay-${randomUUID()}`,
      }),
    });
    expect(response.status).toBe(201);
    expect(((await response.json()) as { invoice: { status: string } }).invoice.status).toBe('paid');
    expect((await billRun(sut, '2026-12-31')).overdue).toEqual([]);
  });
});
