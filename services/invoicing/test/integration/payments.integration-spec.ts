import { randomUUID } from 'node:crypto';
import { EventTypes, Topics } from '@o2c/contracts';
import { billRun, eventOn, expectAdminOnly, getJson, publishEvents, type RunningService } from '@o2c/testing';
import { type Client } from 'pg';
import { type InvoicingEnv } from '../../src/config/env.schema';
import {
  contractEvents,
  contractStored,
  startInvoicing,
  stopInvoicing,
  type TestDeal,
} from '../support/invoicing-test-kit';

// Payments against an invoice over HTTP: partial, full (the paid event once), a repeated idempotency key
// (also many at once), a reused key, another currency, overpayment, and a credit note lowering what is due.
//
// The invoice: 10 × 1,200.00 USD a year from 2026-01-01 = 12,000.00 USD (US customer, 0 % tax), due 2026-01-31.
// Down to 5 seats on 2026-07-01: credit note 5 × 1,200 × 184/365 = 3,024.6575… → 3,024.66 USD.

let sut: RunningService<InvoicingEnv>;
let db: Client;
const contractId = `c-pay-${randomUUID()}`;
const accountId = `acc-${contractId}`;
const deals: TestDeal[] = [
  {
    dealId: 'D-PAY',
    kind: 'new',
    currency: 'USD',
    terms: { startDate: '2026-01-01', termMonths: 12, billingFrequency: 'annual', paymentTermsDays: 30 },
    lines: [{ id: 'L1', sku: 'SEAT-PRO', quantity: 10, unitPrice: '1200.00' }],
  },
  {
    dealId: 'D-PAY-2',
    kind: 'amendment',
    currency: 'USD',
    effectiveDate: '2026-07-01',
    lines: [{ id: 'L1', quantity: 5 }],
  },
];
const events = contractEvents(deals, {
  contractId,
  account: { id: accountId, name: 'Paying Customer Inc.', country: 'US' },
});
let invoiceId: string;

interface Problem {
  status: number;
  code?: string;
  detail: string;
  errors?: { path: string; message: string }[];
  amountDue?: { amountMinor: string; currency: string };
}

interface PaymentAnswer {
  paymentId: string;
  invoiceNumber: string;
  amount: { amountMinor: string; currency: string };
  invoice: { status: string; amountPaid: { amountMinor: string }; amountDue: { amountMinor: string } };
}

interface PaymentsPage {
  status: string;
  amountPaid: { amountMinor: string };
  amountCredited: { amountMinor: string };
  amountDue: { amountMinor: string };
  items: { paymentId: string; amount: { amountMinor: string }; idempotencyKey: string }[];
  credits: { number: string; amount: { amountMinor: string } }[];
}

function pay(body: unknown, id = invoiceId) {
  return fetch(`${sut.baseUrl}/v1/invoices/${id}/payments`, {
    method: 'POST',
    headers: sut.adminHeaders({ 'content-type': 'application/json' }),
    body: JSON.stringify(body),
  });
}

function payment(amountMinor: string, idempotencyKey: string, extra: Record<string, unknown> = {}) {
  return {
    amount: { amountMinor, currency: 'USD' },
    paymentDate: '2026-01-20',
    reference: `BANK-${idempotencyKey}`,
    idempotencyKey,
    ...extra,
  };
}

async function problem(response: Response, status: number): Promise<Problem> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  return (await response.json()) as Problem;
}

const payments = () => getJson<PaymentsPage>(sut, `/v1/invoices/${invoiceId}/payments`);

beforeAll(async () => {
  ({ sut, db } = await startInvoicing());
  await publishEvents(sut.topic(Topics.subscriptions), events.slice(0, 1));
  await contractStored(db, contractId, 1);
  const run = await billRun(sut, '2026-01-01');
  expect(run.issued.map((document) => [document.kind, document.issueDate])).toEqual([
    ['invoice', '2026-01-01'],
  ]);
  invoiceId = run.issued[0]!.documentId;
});

afterAll(() => stopInvoicing({ sut, db }));

describe('POST /v1/invoices/{id}/payments', () => {
  it('records a partial payment: the invoice stays open with the rest due', async () => {
    expect((await payments()).amountDue.amountMinor).toBe('1200000');
    const response = await pay(payment('500000', 'k1'));
    expect(response.status).toBe(201);
    const answer = (await response.json()) as PaymentAnswer;
    expect(answer.amount).toEqual({ amountMinor: '500000', currency: 'USD' });
    expect(answer.invoice.status).toBe('open');
    expect(answer.invoice.amountPaid.amountMinor).toBe('500000');
    expect(answer.invoice.amountDue.amountMinor).toBe('700000');
  });

  it('answers a repeated idempotency key with the first answer and records nothing more', async () => {
    const first = (await payments()).items[0]!;
    const response = await pay(payment('500000', 'k1'));
    expect(response.status).toBe(201);
    expect(response.headers.get('idempotent-replayed')).toBe('true');
    const answer = (await response.json()) as PaymentAnswer;
    expect(answer.paymentId).toBe(first.paymentId);
    expect(answer.invoice.amountDue.amountMinor).toBe('700000');
    const page = await payments();
    expect(page.items).toHaveLength(1);
    expect(page.amountPaid.amountMinor).toBe('500000');
  });

  it('refuses the same key with another body (409)', async () => {
    const body = await problem(await pay(payment('400000', 'k1')), 409);
    expect(body.code).toBe('INVOICING.IDEMPOTENCY_KEY_REUSED');
    expect(body.detail).toContain('k1');
    expect((await payments()).items).toHaveLength(1);
  });

  it('refuses a payment in another currency (422) and stores nothing, its key included', async () => {
    const body = await problem(
      await pay(payment('100000', 'k2', { amount: { amountMinor: '100000', currency: 'EUR' } })),
      422,
    );
    expect(body.code).toBe('INVOICING.PAYMENT_CURRENCY_MISMATCH');
    expect(body.detail).toContain('USD');
    expect((await payments()).items).toHaveLength(1);
  });

  it('refuses an overpayment (422) naming what is due, and stores nothing', async () => {
    const body = await problem(await pay(payment('700001', 'k2')), 422);
    expect(body.code).toBe('INVOICING.OVERPAYMENT');
    expect(body.amountDue).toEqual({ amountMinor: '700000', currency: 'USD' });
    expect(body.detail).toBe(
      'Payment of 7000.01 USD exceeds the 7000.00 USD due on invoice ' + (await number()),
    );
    const page = await payments();
    expect(page.items).toHaveLength(1);
    expect(page.amountDue.amountMinor).toBe('700000');
  });

  it('records one payment when the same request arrives six times at once', async () => {
    const responses = await Promise.all(Array.from({ length: 6 }, () => pay(payment('100000', 'k2'))));
    expect(responses.map((response) => response.status)).toEqual([201, 201, 201, 201, 201, 201]);
    const answers = (await Promise.all(responses.map((response) => response.json()))) as PaymentAnswer[];
    expect(new Set(answers.map((answer) => answer.paymentId)).size).toBe(1);
    expect(
      responses.filter((response) => response.headers.get('idempotent-replayed') === 'true'),
    ).toHaveLength(5);
    const page = await payments();
    expect(page.items.map((item) => [item.idempotencyKey, item.amount.amountMinor])).toEqual([
      ['k1', '500000'],
      ['k2', '100000'],
    ]);
    expect(page.amountDue.amountMinor).toBe('600000');
  });

  it('lowers what is due by a credit note issued against the invoice', async () => {
    await publishEvents(sut.topic(Topics.subscriptions), events.slice(1));
    await contractStored(db, contractId, 2);
    const run = await billRun(sut, '2026-07-01');
    expect(run.issued.map((document) => [document.kind, document.issueDate])).toEqual([
      ['credit_note', '2026-07-01'],
    ]);
    // Due 2026-01-31 and not settled on 2026-07-01.
    expect(run.overdue.map((invoice) => invoice.documentId)).toEqual([invoiceId]);
    const page = await payments();
    expect(page.credits).toEqual([
      expect.objectContaining({
        number: run.issued[0]!.number,
        amount: { amountMinor: '302466', currency: 'USD' },
      }),
    ]);
    expect(page.amountCredited.amountMinor).toBe('302466');
    // 12,000.00 − 6,000.00 paid − 3,024.66 credited = 2,975.34
    expect(page.amountDue.amountMinor).toBe('297534');
    expect(page.status).toBe('overdue');
    const body = await problem(await pay(payment('297535', 'k3')), 422);
    expect(body.amountDue).toEqual({ amountMinor: '297534', currency: 'USD' });
  });

  it('settles the invoice with the payment of the rest: paid, its event recorded once and published', async () => {
    const response = await pay(payment('297534', 'k4', { paymentDate: '2026-07-10' }));
    expect(response.status).toBe(201);
    const answer = (await response.json()) as PaymentAnswer;
    expect(answer.invoice.status).toBe('paid');
    expect(answer.invoice.amountDue.amountMinor).toBe('0');
    expect((await pay(payment('297534', 'k4', { paymentDate: '2026-07-10' }))).status).toBe(201);

    const refused = await problem(await pay(payment('1', 'k5')), 422);
    expect(refused.code).toBe('INVOICING.INVOICE_ALREADY_SETTLED');

    const invoice = await getJson<Record<string, unknown>>(sut, `/v1/invoices/${invoiceId}`);
    expect(invoice).toMatchObject({
      status: 'paid',
      amountPaidMinor: '897534',
      amountCreditedMinor: '302466',
      amountDueMinor: '0',
    });
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM outbox WHERE type = $1 AND subject = $2`,
      [EventTypes.invoicePaid, `invoice/${invoiceId}`],
    );
    expect(rows[0]!.n).toBe(1);
    const paid = await eventOn(
      sut.topic(Topics.invoices),
      (event) =>
        event.type === EventTypes.invoicePaid &&
        (event.data as { documentId: string }).documentId === invoiceId,
    );
    expect(paid.key).toBe(accountId);
    expect(paid.data).toEqual({
      documentId: invoiceId,
      number: await number(),
      accountId,
      contractId,
      paymentDate: '2026-07-10',
      amountPaid: { amountMinor: '897534', currency: 'USD' },
      total: { amountMinor: '1200000', currency: 'USD' },
    });
    const listed = await getJson<{ items: { documentId: string }[] }>(
      sut,
      `/v1/invoices?status=paid&contractId=${encodeURIComponent(contractId)}`,
    );
    expect(listed.items.map((item) => item.documentId)).toEqual([invoiceId]);
  });

  it('names every invalid field of a malformed payment (400)', async () => {
    const body = await problem(
      await pay({ amount: { amountMinor: '12.50', currency: 'usd' }, paymentDate: '2026-02-30', extra: 1 }),
      400,
    );
    expect([...new Set(body.errors!.map((error) => error.path))].sort()).toEqual([
      'amount.amountMinor',
      'amount.currency',
      'extra',
      'idempotencyKey',
      'paymentDate',
      'reference',
    ]);
    const zero = await problem(await pay(payment('0', 'k6')), 400);
    expect(zero.errors!.map((error) => error.path)).toEqual(['amount.amountMinor']);
    const noAmount = await problem(await pay({ ...payment('1', 'k6'), amount: undefined }), 400);
    expect(noAmount.errors!.map((error) => error.path)).toContain('amount');
  });

  it('answers 404 for an invoice that does not exist, 400 for an id that is not one', async () => {
    const missing = await problem(await pay(payment('1', 'k7'), randomUUID()), 404);
    expect(missing.code).toBe('INVOICING.INVOICE_NOT_FOUND');
    await problem(await pay(payment('1', 'k7'), 'not-a-uuid'), 400);
    expect(
      (await fetch(`${sut.baseUrl}/v1/invoices/${randomUUID()}/payments`, { headers: sut.adminHeaders() }))
        .status,
    ).toBe(404);
  });
});

async function number(): Promise<string> {
  return (await getJson<{ number: string }>(sut, `/v1/invoices/${invoiceId}`)).number;
}

describe('the admin token', () => {
  it('guards bill runs, documents, PDFs and payments, and a refused payment stores nothing', async () => {
    const before = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM payment')).rows[0]!.n;
    const runsBefore = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM bill_run')).rows[0]!.n;
    await expectAdminOnly(sut, [
      ['POST', '/v1/bill-runs', { asOf: '2026-12-31' }],
      ['GET', '/v1/invoices'],
      ['GET', `/v1/invoices/${invoiceId}`],
      ['GET', `/v1/invoices/${invoiceId}/pdf`],
      ['GET', '/v1/credit-notes'],
      ['GET', `/v1/credit-notes/${randomUUID()}`],
      ['GET', `/v1/credit-notes/${randomUUID()}/pdf`],
      ['GET', `/v1/invoices/${invoiceId}/payments`],
      [
        'POST',
        `/v1/invoices/${invoiceId}/payments`,
        {
          amount: { amountMinor: '100', currency: 'USD' },
          paymentDate: '2026-02-01',
          reference: 'refused',
          idempotencyKey: `refused-${randomUUID()}`,
        },
      ],
    ]);
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM payment')).rows[0]!.n).toBe(before);
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM bill_run')).rows[0]!.n).toBe(
      runsBefore,
    );
  });
});
