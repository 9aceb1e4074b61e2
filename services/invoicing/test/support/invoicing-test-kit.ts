import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { applyDeal, type ContractVersion, type DealInput } from '@o2c/billing';
import { type CatalogEntrySnapshotV1, contractEventOf, type DealAccountV1, Topics } from '@o2c/contracts';
import { randomUUID } from 'node:crypto';
import {
  publishEvents,
  type RunningService,
  startServiceForTest,
  type TestEvent,
  waitForValue,
} from '@o2c/testing';
import { Client } from 'pg';
import { invoicingService } from '../../src/app.module';
import { type InvoicingEnv } from '../../src/config/env.schema';

// What the invoicing integration specs share: contracts made by the billing engine from deals and sent as the
// subscriptions service sends them, bill runs over HTTP, and the text of a PDF as a parser reads it.

const CATALOG: Record<
  string,
  { name: string; chargeType: 'recurring' | 'one_time'; pricePeriod: 'month' | 'year' }
> = {
  'SEAT-PRO': { name: 'Pro seat', chargeType: 'recurring', pricePeriod: 'year' },
  'SEAT-BASIC': { name: 'Basic seat', chargeType: 'recurring', pricePeriod: 'month' },
  ONBOARDING: { name: 'Onboarding', chargeType: 'one_time', pricePeriod: 'month' },
};

export type TestDeal = Omit<DealInput, 'lines'> & {
  lines: { id: string; sku?: string; quantity?: number; unitPrice?: string; discountPercent?: string }[];
};

function catalogEntry(sku: string): CatalogEntrySnapshotV1 {
  const entry = CATALOG[sku]!;
  return {
    sku,
    version: 1,
    name: entry.name,
    chargeType: entry.chargeType,
    ...(entry.chargeType === 'recurring' ? { defaultPricePeriod: entry.pricePeriod } : {}),
  };
}

/** The `o2c.subscription.*.v1` events of a contract made of `deals`, version 1 first, keyed by the account. */
export function contractEvents(
  deals: TestDeal[],
  identity: { contractId: string; account: DealAccountV1 },
): TestEvent[] {
  const history: ContractVersion[] = [];
  const skus = new Map<string, string>();
  for (const deal of deals) {
    const lines = deal.lines.map((line) => {
      if (!line.sku) return line;
      skus.set(line.id, line.sku);
      const entry = CATALOG[line.sku]!;
      return {
        ...line,
        catalog: {
          chargeType: entry.chargeType,
          ...(entry.chargeType === 'recurring' ? { defaultPricePeriod: entry.pricePeriod } : {}),
        },
      };
    });
    history.push(applyDeal(history.at(-1), { ...deal, lines }));
  }
  const { contractId, account } = identity;
  return history.map((version) => {
    const event = contractEventOf(version, {
      contractId,
      accountId: account.id,
      account,
      source: { kind: 'deal', dealId: version.change.id, revision: 1 },
      charge: (lineId) => ({ chargeId: `${contractId}/${lineId}`, catalog: catalogEntry(skus.get(lineId)!) }),
    });
    return { ...event, key: account.id, subject: `contract/${contractId}`, source: 'o2c/subscriptions' };
  });
}

/** Resolves once invoicing stored `versions` versions of the contract. */
export async function contractStored(db: Client, contractId: string, versions: number): Promise<void> {
  await waitForValue(async () => {
    const { rows } = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM contract_version WHERE contract_id = $1',
      [contractId],
    );
    return rows[0]!.n === versions ? true : undefined;
  });
}

const repositoryRoot = join(__dirname, '..', '..', '..', '..');

// pdf-parse runs PDF.js, whose worker is an ES module that jest's CommonJS runtime cannot import; a plain Node
// process reads the PDF instead.
const EXTRACT = `
const { PDFParse } = require('pdf-parse');
const chunks = [];
process.stdin.on('data', (chunk) => chunks.push(chunk));
process.stdin.on('end', async () => {
  const parser = new PDFParse({ data: Buffer.concat(chunks) });
  const { text } = await parser.getText();
  const { info } = await parser.getInfo();
  await parser.destroy();
  process.stdout.write(JSON.stringify({ text, creationDate: info.CreationDate, title: info.Title }));
});`;

/** The text of a PDF as pdf-parse extracts it, and its document information. */
export function pdfText(pdf: Buffer): { text: string; creationDate: string; title: string } {
  const out = execFileSync(process.execPath, ['-e', EXTRACT], { input: pdf, cwd: repositoryRoot });
  return JSON.parse(out.toString('utf8')) as { text: string; creationDate: string; title: string };
}

/** An invoicing service under test that issues only through bill runs, and a client on its database. */
export interface InvoicingUnderTest {
  sut: RunningService<InvoicingEnv>;
  db: Client;
}

export async function startInvoicing(overrides: Record<string, string> = {}): Promise<InvoicingUnderTest> {
  const sut = await startServiceForTest(invoicingService, {
    KAFKA_CONSUMER_GROUP: `invoicing-test-${randomUUID()}`,
    ISSUE_ON_CONTRACT_CHANGE: 'off',
    BILL_RUN_INTERVAL_MINUTES: '0',
    ...overrides,
  });
  const db = new Client({ connectionString: sut.database.url });
  await db.connect();
  return { sut, db };
}

export async function stopInvoicing(running: Partial<InvoicingUnderTest>): Promise<void> {
  await running.db?.end();
  await running.sut?.stop();
}

/** A new contract from 2026-01-01 of 10 Basic seats at 10.00 USD a month: 100.00 a month, billed monthly in advance. */
export function basicSeatsDeal(
  contractId: string,
  terms: { termMonths: number; paymentTermsDays: number },
): TestDeal {
  return {
    dealId: `D-${contractId}`,
    kind: 'new',
    currency: 'USD',
    terms: { startDate: '2026-01-01', billingFrequency: 'monthly', ...terms },
    lines: [{ id: 'L1', sku: 'SEAT-BASIC', quantity: 10, unitPrice: '10.00' }],
  };
}

/**
 * Publishes version 1 of each contract, made of `deal(contractId)` for a US customer named `accountName` (account
 * `acc-<contract id>`), as subscriptions does; resolves once invoicing stored them all.
 */
export async function publishNewContracts(
  { sut, db }: InvoicingUnderTest,
  contractIds: readonly string[],
  deal: (contractId: string) => TestDeal,
  accountName: string,
): Promise<void> {
  await publishEvents(
    sut.topic(Topics.subscriptions),
    contractIds.flatMap((contractId) =>
      contractEvents([deal(contractId)], {
        contractId,
        account: { id: `acc-${contractId}`, name: accountName, country: 'US' },
      }),
    ),
  );
  await waitForValue(async () => {
    const { rows } = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM contract_version WHERE contract_id = ANY($1)',
      [contractIds],
    );
    return rows[0]!.n === contractIds.length ? true : undefined;
  });
}
