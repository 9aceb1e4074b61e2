import { randomUUID } from 'node:crypto';
import { type DealAccountV1, Topics } from '@o2c/contracts';
import { billRun, getJson, publishEvents, type RunningService, startServiceForTest } from '@o2c/testing';
import { Client } from 'pg';
import { invoicingService } from '../../src/app.module';
import { type InvoicingEnv } from '../../src/config/env.schema';
import { contractEvents, contractStored, pdfText, type TestDeal } from '../support/invoicing-test-kit';

// The PDF of issued documents, read back by a PDF parser: number, totals and due date with the currency's
// decimals (USD 2, JPY 0, KWD 3), the reverse-charge note, a credit note. Expected amounts computed by hand.

let sut: RunningService<InvoicingEnv>;
let db: Client;

beforeAll(async () => {
  sut = await startServiceForTest(invoicingService, {
    KAFKA_CONSUMER_GROUP: `invoicing-test-${randomUUID()}`,
    ISSUE_ON_CONTRACT_CHANGE: 'off',
    BILL_RUN_INTERVAL_MINUTES: '0',
    SELLER_NAME: 'o2c Demo GmbH',
    SELLER_TAX_ID: 'DE999999999',
  });
  db = new Client({ connectionString: sut.database.url });
  await db.connect();
});

afterAll(async () => {
  await db.end();
  await sut.stop();
});

interface Listed {
  documentId: string;
  number: string;
  issueDate: string;
}

/** Publishes the contract, runs the bill run for `asOf`, answers its invoices and credit notes by issue date. */
async function issue(deals: TestDeal[], account: Omit<DealAccountV1, 'id'>, asOf: string) {
  const contractId = `c-pdf-${randomUUID()}`;
  const events = contractEvents(deals, { contractId, account: { id: `acc-${contractId}`, ...account } });
  await publishEvents(sut.topic(Topics.subscriptions), events);
  await contractStored(db, contractId, events.length);
  expect((await billRun(sut, asOf)).failed).toEqual([]);
  const list = (path: string) =>
    getJson<{ items: Listed[] }>(sut, `/v1/${path}?contractId=${encodeURIComponent(contractId)}`);
  const byDate = (items: Listed[]) => new Map(items.map((item) => [item.issueDate, item]));
  return {
    invoices: byDate((await list('invoices')).items),
    creditNotes: byDate((await list('credit-notes')).items),
  };
}

async function pdf(path: string): Promise<Buffer> {
  const response = await fetch(`${sut.baseUrl}${path}`, { headers: sut.adminHeaders() });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/pdf');
  return Buffer.from(await response.arrayBuffer());
}

/** The extracted text on one line, so expectations do not depend on where the layout breaks lines. */
function flat(text: string): string {
  return text.replace(/\s+/g, ' ');
}

function terms(startDate: string, termMonths: number, billingFrequency: 'monthly' | 'annual', days: number) {
  return { startDate, termMonths, billingFrequency, paymentTermsDays: days };
}

describe('GET /v1/invoices/{id}/pdf and /v1/credit-notes/{id}/pdf', () => {
  it('prints a USD invoice with German VAT, and its credit note: parties, number, dates, lines, totals', async () => {
    // 50 × 360.00 × 0.9 = 16,200.00 a year, due 2026-02-01 + 30 = 2026-03-03; the engine cuts the year at the
    // amendment (2026-08-01): 16,200 × 181/365 = 8,033.4246… → 8,033.42 (VAT 19 %: 1,526.3498 → 1,526.35) and
    // 16,200 × 184/365 = 8,166.5753… → 8,166.58 (VAT 1,551.6502 → 1,551.65); VAT 3,078.00, total 19,278.00 USD.
    // Down to 40 seats on 2026-08-01: 10 × 324 × 184/365 = 1,633.3150… → 1,633.32; VAT 310.3308 → 310.33;
    // total 1,943.65 USD credited.
    const { invoices, creditNotes } = await issue(
      [
        {
          dealId: 'D-USD',
          kind: 'new',
          currency: 'USD',
          terms: terms('2026-02-01', 12, 'annual', 30),
          lines: [{ id: 'L1', sku: 'SEAT-PRO', quantity: 50, unitPrice: '360.00', discountPercent: '10' }],
        },
        {
          dealId: 'D-USD-2',
          kind: 'amendment',
          currency: 'USD',
          effectiveDate: '2026-08-01',
          lines: [{ id: 'L1', quantity: 40 }],
        },
      ],
      { name: 'Acme GmbH', country: 'DE', taxId: 'DE123456789', billingEmail: 'ap@acme.example' },
      '2026-08-01',
    );
    const invoice = invoices.get('2026-02-01')!;
    const first = await pdf(`/v1/invoices/${invoice.documentId}/pdf`);
    const read = pdfText(first);
    const text = flat(read.text);
    expect(text).toContain(`Invoice ${invoice.number}`);
    expect(text).toContain('o2c Demo GmbH');
    expect(text).toContain('VAT ID: DE999999999');
    expect(text).toContain('Acme GmbH');
    expect(text).toContain('Tax ID: DE123456789');
    expect(text).toContain('Issue date: 2026-02-01');
    expect(text).toContain('Due date: 2026-03-03');
    expect(text).toContain('Pro seat (SEAT-PRO)');
    expect(text).toContain('Discount 10 %');
    // Rules v1.1 §4: the later cancellation does not split the regular line. 50 × 324 = 16,200.00, 19 % = 3,078.00.
    expect(text).toContain('2026-02-01 – 2027-01-31 50 360.00 16200.00 3078.00 (19 %)');
    expect(text).toContain('Subtotal 16200.00 USD');
    expect(text).toContain('Tax 3078.00 USD');
    expect(text).toContain('Total 19278.00 USD');
    expect(text).toContain('by 2026-03-03');
    expect(text).not.toContain('Reverse charge');
    expect(read.title).toBe(`Invoice ${invoice.number}`);
    expect(read.creationDate).toBe('D:20260201000000Z');
    // Deterministic: the same document gives the same bytes, whenever it is printed.
    expect((await pdf(`/v1/invoices/${invoice.documentId}/pdf`)).equals(first)).toBe(true);

    const credit = creditNotes.get('2026-08-01')!;
    const creditText = flat(pdfText(await pdf(`/v1/credit-notes/${credit.documentId}/pdf`)).text);
    expect(creditText).toContain(`Credit note ${credit.number}`);
    expect(creditText).toContain(`Credits invoice: ${invoice.number}`);
    expect(creditText).toContain('2026-08-01 – 2027-01-31 10 360.00 1633.32 310.33 (19 %)');
    expect(creditText).toContain('Subtotal 1633.32 USD');
    expect(creditText).toContain('Tax 310.33 USD');
    expect(creditText).toContain('Total credited 1943.65 USD');
  });

  it('prints JPY without decimals', async () => {
    // 7 × 1,234 JPY a month = 8,638 JPY; VAT 19 % = 1,641.22 → 1,641; total 10,279 JPY, due 2026-04-01 + 14.
    const { invoices } = await issue(
      [
        {
          dealId: 'D-JPY',
          kind: 'new',
          currency: 'JPY',
          terms: terms('2026-04-01', 12, 'monthly', 14),
          lines: [{ id: 'L1', sku: 'SEAT-BASIC', quantity: 7, unitPrice: '1234' }],
        },
      ],
      { name: 'Kabushiki Kaisha Example', country: 'DE' },
      '2026-04-01',
    );
    const invoice = invoices.get('2026-04-01')!;
    const text = flat(pdfText(await pdf(`/v1/invoices/${invoice.documentId}/pdf`)).text);
    expect(text).toContain(`Invoice ${invoice.number}`);
    expect(text).toContain('2026-04-01 – 2026-04-30');
    expect(text).toContain('Subtotal 8638 JPY');
    expect(text).toContain('Tax 1641 JPY');
    expect(text).toContain('Total 10279 JPY');
    expect(text).toContain('Due date: 2026-04-15');
    expect(text).not.toContain('8638.');
  });

  it('prints KWD with three decimals', async () => {
    // 5 × 120.125 KWD a year = 600.625 KWD; Swiss VAT 8.1 % = 48.650625 → 48.651; total 649.276 KWD.
    const { invoices } = await issue(
      [
        {
          dealId: 'D-KWD',
          kind: 'new',
          currency: 'KWD',
          terms: terms('2026-03-01', 12, 'annual', 45),
          lines: [{ id: 'L1', sku: 'SEAT-PRO', quantity: 5, unitPrice: '120.125' }],
        },
      ],
      { name: 'Example AG', country: 'CH' },
      '2026-03-01',
    );
    const invoice = invoices.get('2026-03-01')!;
    const text = flat(pdfText(await pdf(`/v1/invoices/${invoice.documentId}/pdf`)).text);
    expect(text).toContain(`Invoice ${invoice.number}`);
    expect(text).toContain('Subtotal 600.625 KWD');
    expect(text).toContain('Tax 48.651 KWD');
    expect(text).toContain('Total 649.276 KWD');
    expect(text).toContain('Due date: 2026-04-15');
  });

  it('says "Reverse charge" on an invoice to an EU business in another member state, with no VAT', async () => {
    // 10 × 25.00 EUR a month = 250.00 EUR; French customer with a VAT id, German seller: 0 %, reverse charge.
    const { invoices } = await issue(
      [
        {
          dealId: 'D-RC',
          kind: 'new',
          currency: 'EUR',
          terms: terms('2026-05-01', 12, 'monthly', 30),
          lines: [{ id: 'L1', sku: 'SEAT-BASIC', quantity: 10, unitPrice: '25.00' }],
        },
      ],
      { name: 'Exemple SARL', country: 'FR', taxId: 'FR12345678901' },
      '2026-05-01',
    );
    const invoice = invoices.get('2026-05-01')!;
    const text = flat(pdfText(await pdf(`/v1/invoices/${invoice.documentId}/pdf`)).text);
    expect(text).toContain(`Invoice ${invoice.number}`);
    expect(text).toContain('Tax ID: FR12345678901');
    expect(text).toContain('Reverse charge');
    expect(text).toContain('Subtotal 250.00 EUR');
    expect(text).toContain('Tax 0.00 EUR');
    expect(text).toContain('Total 250.00 EUR');
    expect(text).toContain('Due date: 2026-05-31');
  });

  it('answers 404 problem+json for a document that does not exist', async () => {
    const response = await fetch(`${sut.baseUrl}/v1/invoices/${randomUUID()}/pdf`, {
      headers: sut.adminHeaders(),
    });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(((await response.json()) as { code: string }).code).toBe('INVOICING.INVOICE_NOT_FOUND');
  });
});
