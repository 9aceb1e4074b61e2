import { randomUUID } from 'node:crypto';
import { Topics } from '@o2c/contracts';
import { billRun, getJson, publishEvents, type RunningService } from '@o2c/testing';
import { type Client } from 'pg';
import { type InvoicingEnv } from '../../src/config/env.schema';
import { contractEvents, contractStored, startInvoicing, stopInvoicing } from '../support/invoicing-test-kit';

// Billing rules §5, backdated changes: amendments that arrive after bill runs issued the periods they affect
// are corrected by documents dated on their effective date, so that the net billed for every document of the
// schedule is what it would have been had the change been known in time.
//
// 10 × 30.00 USD a month from 2026-01-01, 12 months, 30 days to pay (US customer, 0 % tax): 300.00 a month.
// Up to 15 seats from 2026-02-15, known only after 2026-04-01 was billed: its own invoice for
// [02-15, 03-01) = 5 × 30 × 14/28 = 75.00, and March and April, issued with 10 seats, now bill 15 × 30 =
// 450.00: a correcting invoice dated 2026-02-15 of 150.00 for each. February (issued before the change, now
// cut in two pieces of 150.00 at 10 seats) bills the same exact amount and is left alone.
// Down to 12 seats from 2026-03-10, known only after 2026-05-01 was billed: its own credit note for
// [03-10, 04-01) = 3 × 30 × 22/31 = 63.8709… → 63.87, and April and May, billed at 15 seats (450.00), now bill
// 12 × 30 = 360.00: a correcting credit note dated 2026-03-10 of 90.00 for each.

let sut: RunningService<InvoicingEnv>;
let db: Client;
const contractId = `c-backdated-${randomUUID()}`;
const events = contractEvents(
  [
    {
      dealId: 'D-BD',
      kind: 'new',
      currency: 'USD',
      terms: { startDate: '2026-01-01', termMonths: 12, billingFrequency: 'monthly', paymentTermsDays: 30 },
      lines: [{ id: 'L1', sku: 'SEAT-BASIC', quantity: 10, unitPrice: '30.00' }],
    },
    {
      dealId: 'D-BD-UP',
      kind: 'amendment',
      currency: 'USD',
      effectiveDate: '2026-02-15',
      lines: [{ id: 'L1', quantity: 15 }],
    },
    {
      dealId: 'D-BD-DOWN',
      kind: 'amendment',
      currency: 'USD',
      effectiveDate: '2026-03-10',
      lines: [{ id: 'L1', quantity: 12 }],
    },
  ],
  { contractId, account: { id: `acc-${contractId}`, name: 'Backdated Corp', country: 'US' } },
);

interface Line {
  description: string;
  amount: { amountMinor: string };
  servicePeriod?: { start: string; end: string };
  creditedInvoiceNumber?: string;
  explanation: { rule?: string };
}
interface Document {
  number: string;
  issueDate: string;
  dueDate?: string;
  total: { amountMinor: string };
  lines: Line[];
  amountCreditedMinor?: string;
}

async function documents(path: 'invoices' | 'credit-notes'): Promise<Document[]> {
  const page = await getJson<{ items: Document[] }>(
    sut,
    `/v1/${path}?contractId=${encodeURIComponent(contractId)}&limit=100`,
  );
  return page.items.sort((a, b) => a.number.localeCompare(b.number));
}

function summary(document: Document) {
  return [
    document.number,
    document.issueDate,
    document.total.amountMinor,
    document.lines.map((line) => [
      line.description,
      line.amount.amountMinor,
      line.creditedInvoiceNumber ?? null,
    ]),
  ];
}

beforeAll(async () => {
  ({ sut, db } = await startInvoicing());
});

afterAll(() => stopInvoicing({ sut, db }));

describe('a change that arrives after the documents it affects were issued', () => {
  it('issues an increase, backdated, as its own invoice and a correcting invoice dated on its effective date', async () => {
    await publishEvents(sut.topic(Topics.subscriptions), events.slice(0, 1));
    await contractStored(db, contractId, 1);
    const first = await billRun(sut, '2026-04-01');
    expect(first.issued.map((document) => document.number)).toEqual([
      'INV-2026-000001',
      'INV-2026-000002',
      'INV-2026-000003',
      'INV-2026-000004',
    ]);

    await publishEvents(sut.topic(Topics.subscriptions), events.slice(1, 2));
    await contractStored(db, contractId, 2);
    const second = await billRun(sut, '2026-04-01');
    expect(second.failed).toEqual([]);
    expect(second.issued.map((document) => [document.number, document.issueDate])).toEqual([
      ['INV-2026-000005', '2026-02-15'],
      ['INV-2026-000006', '2026-02-15'],
    ]);
    const invoices = await documents('invoices');
    expect(invoices.slice(4).map(summary)).toEqual([
      [
        'INV-2026-000005',
        '2026-02-15',
        '7500',
        [['Basic seat (SEAT-BASIC), quantity increased', '7500', null]],
      ],
      [
        'INV-2026-000006',
        '2026-02-15',
        '30000',
        [
          ['Basic seat (SEAT-BASIC), correction of INV-2026-000003', '15000', null],
          ['Basic seat (SEAT-BASIC), correction of INV-2026-000004', '15000', null],
        ],
      ],
    ]);
    const correction = invoices[5]!;
    expect(correction.dueDate).toBe('2026-03-17');
    expect(correction.lines.map((line) => [line.servicePeriod, line.explanation.rule])).toEqual([
      [{ start: '2026-03-01', end: '2026-04-01' }, 'correction'],
      [{ start: '2026-04-01', end: '2026-05-01' }, 'correction'],
    ]);
  });

  it('bills the next period with the new quantity, and corrects nothing twice', async () => {
    const run = await billRun(sut, '2026-05-01');
    expect(run.issued.map((document) => document.number)).toEqual(['INV-2026-000007']);
    expect(summary((await documents('invoices'))[6]!)).toEqual([
      'INV-2026-000007',
      '2026-05-01',
      '45000',
      [['Basic seat (SEAT-BASIC)', '45000', null]],
    ]);
  });

  it('issues a decrease, backdated, as its own credit note and a correcting credit note of the later periods', async () => {
    await publishEvents(sut.topic(Topics.subscriptions), events.slice(2));
    await contractStored(db, contractId, 3);
    const run = await billRun(sut, '2026-05-01');
    expect(run.failed).toEqual([]);
    expect(run.issued.map((document) => [document.number, document.issueDate])).toEqual([
      ['CN-2026-000001', '2026-03-10'],
      ['CN-2026-000002', '2026-03-10'],
    ]);
    expect((await documents('credit-notes')).map(summary)).toEqual([
      [
        'CN-2026-000001',
        '2026-03-10',
        '6387',
        [['Basic seat (SEAT-BASIC), quantity decreased', '6387', 'INV-2026-000003']],
      ],
      [
        'CN-2026-000002',
        '2026-03-10',
        '18000',
        [
          ['Basic seat (SEAT-BASIC), correction of INV-2026-000004', '9000', 'INV-2026-000004'],
          ['Basic seat (SEAT-BASIC), correction of INV-2026-000007', '9000', 'INV-2026-000007'],
        ],
      ],
    ]);
    const april = (await documents('invoices'))[3]!;
    expect(april.amountCreditedMinor).toBe('9000');
    expect((await billRun(sut, '2026-05-01')).issued).toEqual([]);
  });

  it('has billed, net, what the schedule calls for had both changes been known in time', async () => {
    // January 300.00, February 300.00, 02-15 75.00, March 450.00, 03-10 −63.87, April 360.00, May 360.00.
    const { rows } = await db.query<{ net: string }>(
      `SELECT sum(CASE kind WHEN 'invoice' THEN total_minor ELSE -total_minor END)::text AS net
         FROM document WHERE contract_id = $1`,
      [contractId],
    );
    expect(rows[0]!.net).toBe('178113');
  });
});
