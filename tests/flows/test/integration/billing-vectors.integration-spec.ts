import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { asOfRunsOnly, eventually, type Stack, startStack } from '@o2c/testing';

// The conformance vectors of billing-rules.md through the running system: every deal of a vector goes to the
// deals service's signed webhook, in the vector's order; subscriptions makes the contract (and, by its renewal
// run for the vector's as-of date, the automatic renewals); invoicing keeps every version and issues, by a bill
// run for the as-of date, what is due. The documents it issued must hold exactly the vector's lines.
//
// The vectors' dates lie after today and invoicing issues on a contract change only with ISSUE_ON_CONTRACT_CHANGE
// (turned off here): only the bill runs issue. The daily renewal job and bill run are turned off as well.
// Provisioning plays no part in billing and is not started.

interface VectorLine {
  date: string;
  kind: 'invoice' | 'credit_note';
  lineId: string;
  serviceStart: string;
  serviceEnd: string;
  amountMinor: string;
}
interface VectorDeal extends Record<string, unknown> {
  id: string;
  kind: string;
  amends?: string;
  account: { id: string } & Record<string, unknown>;
}
interface Vector {
  name: string;
  asOf: string;
  deals: VectorDeal[];
  documentLines: VectorLine[];
}
interface VectorCatalogEntry {
  chargeType: 'recurring' | 'one_time';
  pricePeriod: 'month' | 'year';
  license?: { product: string; seatsPerUnit: number; features: string[] };
}
interface CatalogEntry {
  sku: string;
  name: string;
  chargeType: string;
  defaultPricePeriod?: string;
}
interface IssuedDocument {
  issueDate: string;
  lines: {
    dealLineId: string;
    servicePeriod?: { start: string; end: string };
    amount: { amountMinor: string };
  }[];
}
interface ContractAnswer {
  version: number;
  versions: { version: number; source: { kind: string; dealId?: string } }[];
}
interface RunAnswer {
  failed: { contractId: string }[];
}

const file = JSON.parse(
  readFileSync(
    join(__dirname, '..', '..', '..', '..', 'libs', 'billing', 'test', 'billing-vectors.json'),
    'utf8',
  ),
) as { catalog: Record<string, VectorCatalogEntry>; vectors: Vector[] };

/** Appended to every deal and account id: each run of this file makes contracts of its own. */
const run = randomBytes(4).toString('hex');

let stack: Stack;

const call = <T>(...args: Parameters<Stack['call']>) => stack.call<T>(...args);

/** Gives the deals service every SKU of the vectors' catalog that it does not have as the vectors describe it. */
async function ensureCatalog(): Promise<void> {
  const { body } = await call<{ items: CatalogEntry[] }>('deals', 'GET', '/v1/catalog');
  const known = new Map(body.items.map((entry) => [entry.sku, entry]));
  for (const [sku, wanted] of Object.entries(file.catalog)) {
    const entry = known.get(sku);
    const period = wanted.chargeType === 'recurring' ? wanted.pricePeriod : undefined;
    if (entry && entry.chargeType === wanted.chargeType && entry.defaultPricePeriod === period) continue;
    const put = await call<unknown>('deals', 'PUT', `/v1/catalog/${sku}`, {
      name: entry?.name ?? sku,
      chargeType: wanted.chargeType,
      ...(period ? { defaultPricePeriod: period } : {}),
      ...(wanted.license
        ? {
            provisioning: {
              licenseProduct: wanted.license.product,
              seatsPerUnit: wanted.license.seatsPerUnit,
              features: wanted.license.features,
            },
          }
        : {}),
    });
    if (put.status !== 200 && put.status !== 201)
      throw new Error(`PUT /v1/catalog/${sku}: ${put.status} ${JSON.stringify(put.body)}`);
  }
}

beforeAll(async () => {
  // Provisioning plays no part in billing; invoicing issues only in the bill runs.
  stack = await startStack('flows-vectors', {
    deals: {},
    subscriptions: asOfRunsOnly.subscriptions,
    invoicing: asOfRunsOnly.invoicing,
  });
  await ensureCatalog();
}, 120_000);

// What each process said, for when a vector fails: .o2c/flows/flows-vectors-<service>.log
afterAll(() => stack?.stop());

const suffixed = (id: string) => `${id}-${run}`;

/** The vector's deal with this run's deal and account ids, `amends` naming the suffixed deal. */
function ofThisRun(deal: VectorDeal): VectorDeal {
  return {
    ...deal,
    id: suffixed(deal.id),
    ...(deal.amends === undefined ? {} : { amends: suffixed(deal.amends) }),
    account: { ...deal.account, id: suffixed(deal.account.id) },
  };
}

/** POSTs `{ type: 'deal.closed_won', deal }` to the deals webhook, signed as Standard Webhooks says. */
const postDeal = (deal: VectorDeal) => stack.postDeal(deal);

/** The contract as subscriptions holds it, once it has applied every one of `dealIds`. */
async function contractWith(contractId: string, dealIds: string[]): Promise<ContractAnswer> {
  return eventually(async () => {
    const { status, body } = await call<ContractAnswer>(
      'subscriptions',
      'GET',
      `/v1/contracts/${contractId}`,
    );
    if (status !== 200) return undefined;
    const applied = new Set(body.versions.map((version) => version.source.dealId));
    return dealIds.every((dealId) => applied.has(dealId)) ? body : undefined;
  });
}

/** Every line of every invoice and credit note invoicing issued for the contract, as the vectors write them. */
async function issuedLines(contractId: string): Promise<VectorLine[]> {
  const lines: VectorLine[] = [];
  for (const [path, kind] of [
    ['invoices', 'invoice'],
    ['credit-notes', 'credit_note'],
  ] as const) {
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: IssuedDocument[]; nextCursor: string | null } } =
        await call(
          'invoicing',
          'GET',
          `/v1/${path}?contractId=${contractId}&limit=100${cursor ? `&cursor=${cursor}` : ''}`,
        );
      expect(page.status).toBe(200);
      for (const document of page.body.items) {
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
      cursor = page.body.nextCursor;
    } while (cursor);
  }
  return lines;
}

const order = (a: VectorLine, b: VectorLine) =>
  JSON.stringify([a.date, a.kind, a.lineId, a.serviceStart, a.serviceEnd, a.amountMinor]).localeCompare(
    JSON.stringify([b.date, b.kind, b.lineId, b.serviceStart, b.serviceEnd, b.amountMinor]),
  );

describe('the conformance vectors through the signed deal webhook and the running services', () => {
  it('has the fourteen vectors', () => {
    expect(file.vectors).toHaveLength(14);
  });

  // One after the other: a vector's runs also renew and bill the contracts of the vectors before it, which
  // are checked by then; its own contract is billed by its own runs only.
  it.each(file.vectors.map((vector) => [vector.deals[0]!.id, vector.name, vector] as const))(
    '%s %s: the bill run issues exactly the vector lines',
    async (_, __, vector) => {
      const deals = vector.deals.map(ofThisRun);
      const replies: { dealId: string; status: number; outcome: unknown }[] = [];
      const contractIds = new Set<string>();
      for (const deal of deals) {
        const { status, body } = await postDeal(deal);
        replies.push({ dealId: deal.id, status, outcome: body.status ?? body });
        if (typeof body.contractId === 'string') contractIds.add(body.contractId);
      }
      expect(replies).toEqual(deals.map((deal) => ({ dealId: deal.id, status: 202, outcome: 'accepted' })));
      expect(contractIds.size).toBe(1);
      const [contractId] = [...contractIds] as [string];

      await contractWith(
        contractId,
        deals.map((deal) => deal.id),
      );
      const renewals = await call<RunAnswer>('subscriptions', 'POST', '/v1/admin/renewals', {
        asOf: vector.asOf,
      });
      expect(renewals.status).toBe(200);
      expect(renewals.body.failed.filter((failure) => failure.contractId === contractId)).toEqual([]);
      const contract = await call<ContractAnswer>('subscriptions', 'GET', `/v1/contracts/${contractId}`);
      await stack.settled(contractId, contract.body.version);

      // billRun rejects unless the run finished.
      const billRun = await stack.billRun(vector.asOf);
      expect(billRun.failed.filter((failure) => failure.contractId === contractId)).toEqual([]);

      expect((await issuedLines(contractId)).sort(order)).toEqual([...vector.documentLines].sort(order));
    },
  );
});
