import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CalendarDate, contractHistory, type ContractVersion, type DealInput } from '@o2c/billing';
import { type CatalogEntrySnapshotV1, contractEventOf, Topics } from '@o2c/contracts';
import { billRun as billRunOf, publishEvents, type RunningService, waitForValue } from '@o2c/testing';
import { type Client } from 'pg';
import { startInvoicing, stopInvoicing } from '../support/invoicing-test-kit';

const billRun = (asOf: string) => billRunOf(sut, asOf);
import { type InvoicingEnv } from '../../src/config/env.schema';

// The conformance vectors of billing-rules.md through the running invoicing service: each vector's
// contract history arrives as o2c.subscription.*.v1 events on Kafka, a bill run for the vector's as-of date
// issues the documents, and the issued documents must hold exactly the vector's lines.

interface VectorLine {
  date: string;
  kind: 'invoice' | 'credit_note';
  lineId: string;
  serviceStart: string;
  serviceEnd: string;
  amountMinor: string;
}
interface Vector {
  name: string;
  asOf: string;
  deals: (Omit<DealInput, 'dealId'> & { id: string })[];
  documentLines: VectorLine[];
}
interface VectorFile {
  catalog: Record<string, { chargeType: 'recurring' | 'one_time'; pricePeriod: 'month' | 'year' }>;
  vectors: Vector[];
}
interface IssuedLine {
  dealLineId: string;
  chargeType: string;
  servicePeriod?: { start: string; end: string };
  amount: { amountMinor: string };
  creditedInvoiceNumber?: string;
}
interface Issued {
  number: string;
  issueDate: string;
  dueDate?: string;
  total: { amountMinor: string };
  lines: IssuedLine[];
}

const file = JSON.parse(
  readFileSync(join(__dirname, '../../../../libs/billing/test/billing-vectors.json'), 'utf8'),
) as VectorFile;

function catalogEntry(sku: string): CatalogEntrySnapshotV1 {
  const entry = file.catalog[sku]!;
  return {
    sku,
    version: 1,
    name: sku,
    chargeType: entry.chargeType,
    ...(entry.chargeType === 'recurring' ? { defaultPricePeriod: entry.pricePeriod } : {}),
  };
}

function historyOf(vector: Vector): ContractVersion[] {
  const deals = vector.deals.map((deal) => ({
    ...deal,
    dealId: deal.id,
    lines: (deal.lines ?? []).map((line) => (line.sku ? { ...line, catalog: catalogEntry(line.sku) } : line)),
  }));
  return contractHistory(deals, CalendarDate.parse(vector.asOf));
}

let sut: RunningService<InvoicingEnv>;
let db: Client;

async function get<T>(path: string): Promise<T> {
  const response = await fetch(`${sut.baseUrl}${path}`, { headers: sut.adminHeaders() });
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

/** Publishes a vector's contract as the subscriptions service would; resolves once invoicing stored it all. */
async function publishContract(vector: Vector): Promise<string> {
  const contractId = `${vector.deals[0]!.id}-${randomUUID()}`;
  const accountId = `acc-${contractId}`;
  const history = historyOf(vector);
  const skuOf = new Map(
    history.flatMap((version) => version.charges.map((charge) => [charge.id, charge.sku])),
  );
  await publishEvents(
    sut.topic(Topics.subscriptions),
    history.map((version) => {
      const event = contractEventOf(version, {
        contractId,
        accountId,
        account: { id: accountId, name: `Customer ${contractId}`, country: 'US' },
        source:
          version.change.kind === 'auto_renewal'
            ? { kind: 'auto_renewal' }
            : { kind: 'deal', dealId: version.change.id, revision: 1 },
        charge: (lineId) => ({
          chargeId: `${contractId}/${lineId}`,
          catalog: catalogEntry(skuOf.get(lineId)!),
        }),
      });
      return { ...event, key: accountId, subject: `contract/${contractId}`, source: 'o2c/subscriptions' };
    }),
  );
  await waitForValue(async () => {
    const { rows } = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM contract_version WHERE contract_id = $1',
      [contractId],
    );
    return rows[0]!.n === history.length ? true : undefined;
  });
  return contractId;
}

async function issuedLines(contractId: string): Promise<VectorLine[]> {
  const lines: VectorLine[] = [];
  for (const [path, kind] of [
    ['invoices', 'invoice'],
    ['credit-notes', 'credit_note'],
  ] as const) {
    const page = await get<{ items: Issued[] }>(
      `/v1/${path}?contractId=${encodeURIComponent(contractId)}&limit=100`,
    );
    for (const document of page.items) {
      for (const line of document.lines) {
        lines.push({
          date: document.issueDate,
          kind,
          lineId: line.dealLineId,
          serviceStart: line.servicePeriod?.start ?? document.issueDate,
          serviceEnd: line.servicePeriod?.end ?? document.issueDate,
          amountMinor: line.amount.amountMinor,
        });
      }
    }
  }
  return lines;
}

const order = (a: VectorLine, b: VectorLine) =>
  JSON.stringify([a.date, a.kind, a.lineId, a.serviceStart]).localeCompare(
    JSON.stringify([b.date, b.kind, b.lineId, b.serviceStart]),
  );

beforeAll(async () => {
  ({ sut, db } = await startInvoicing());
});

afterAll(() => stopInvoicing({ sut, db }));

describe('the conformance vectors through the running invoicing service', () => {
  const contracts = new Map<string, string>();

  it.each(file.vectors.map((vector) => [vector.name, vector] as const))(
    '%s: a bill run issues exactly the vector lines',
    async (_, vector) => {
      const contractId = await publishContract(vector);
      contracts.set(vector.name, contractId);
      const run = await billRun(vector.asOf);
      expect(run.failed).toEqual([]);
      expect((await issuedLines(contractId)).sort(order)).toEqual([...vector.documentLines].sort(order));
    },
  );

  it('issues nothing twice: a second bill run for a date already run issues nothing', async () => {
    const last = file.vectors
      .map((vector) => vector.asOf)
      .sort()
      .at(-1)!;
    expect((await billRun(last)).issued).toEqual([]);
  });

  it('numbers every document gapless per calendar year, INV- and CN- apart', async () => {
    const { rows } = await db.query<{ number: string }>('SELECT number FROM document');
    const sequences = new Map<string, number[]>();
    for (const { number } of rows) {
      const [prefix, year, sequence] = number.split('-');
      const key = `${prefix}-${year}`;
      sequences.set(key, [...(sequences.get(key) ?? []), Number(sequence)]);
    }
    expect(sequences.size).toBeGreaterThan(2);
    for (const [, numbers] of sequences) {
      expect(numbers.sort((a, b) => a - b)).toEqual(numbers.map((_, index) => index + 1));
    }
  });

  it('credits the invoice of the period in a credit note, and dates the due date by the payment terms', async () => {
    const contractId = contracts.get('decrease mid-period gives a credit note')!;
    const invoices = await get<{ items: Issued[] }>(
      `/v1/invoices?contractId=${encodeURIComponent(contractId)}`,
    );
    const first = invoices.items.find((invoice) => invoice.issueDate === '2027-01-01')!;
    expect(first.dueDate).toBe('2027-01-31');
    const credits = await get<{ items: Issued[] }>(
      `/v1/credit-notes?contractId=${encodeURIComponent(contractId)}`,
    );
    expect(credits.items).toHaveLength(1);
    expect(credits.items[0]!.lines[0]!.creditedInvoiceNumber).toBe(first.number);
  });
});
