import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createTestDatabase,
  createTestTopics,
  type ServiceProcess,
  startServiceProcess,
  type TestTopics,
  waitForValue,
} from '@o2c/testing';
import { Client } from 'pg';
import { Webhook } from 'standardwebhooks';

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

/** A bill run started (202) and followed until it has ended. */
async function billRunOf(asOf: string): Promise<RunAnswer & { status: string }> {
  const started = await call<{ billRunId: string }>('invoicing', 'POST', '/v1/bill-runs', { asOf });
  expect(started.status).toBe(202);
  for (let polls = 0; polls < 1200; polls++) {
    const run = await call<RunAnswer & { status: string }>(
      'invoicing',
      'GET',
      `/v1/bill-runs/${started.body.billRunId}`,
    );
    if (run.body.status !== 'running') return run.body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`bill run ${asOf} still running after 2 minutes`);
}

const file = JSON.parse(
  readFileSync(
    join(__dirname, '..', '..', '..', '..', 'libs', 'billing', 'test', 'billing-vectors.json'),
    'utf8',
  ),
) as { catalog: Record<string, VectorCatalogEntry>; vectors: Vector[] };

const secret = `whsec_${randomBytes(32).toString('base64')}`;
/** Appended to every deal and account id: each run of this file makes contracts of its own. */
const run = randomBytes(4).toString('hex');

const logDirectory = join(__dirname, '..', '..', '..', '..', '.o2c', 'flows');
let topics: TestTopics;
const running = new Map<string, ServiceProcess>();
let invoicingDatabase: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
let invoicingDb: Client | undefined;

function service(name: string): ServiceProcess {
  return running.get(name)!;
}

async function call<T>(
  name: string,
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${service(name).baseUrl}${path}`, {
    method,
    headers: service(name).adminHeaders(body === undefined ? {} : { 'content-type': 'application/json' }),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

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
  topics = await createTestTopics('flows-vectors');
  // Invoicing's database is the test's: it tells when invoicing has stored every version of a contract.
  invoicingDatabase = await createTestDatabase('flows_invoicing');
  const common = { KAFKA_TOPIC_NAMESPACE: topics.namespace };
  const own: Record<string, Record<string, string>> = {
    deals: { DEALS_WEBHOOK_SECRETS: secret },
    subscriptions: { RENEWAL_JOB_INTERVAL_MINUTES: '0' },
    invoicing: { BILL_RUN_INTERVAL_MINUTES: '0', ISSUE_ON_CONTRACT_CHANGE: 'off' },
  };
  for (const [name, env] of Object.entries(own)) {
    const group = `flows-${name}-${randomUUID()}`;
    running.set(
      name,
      await startServiceProcess(
        name,
        { ...common, KAFKA_CONSUMER_GROUP: group, ...env },
        name === 'invoicing' ? invoicingDatabase.location : undefined,
      ),
    );
  }
  invoicingDb = new Client({ connectionString: invoicingDatabase.location.url });
  await invoicingDb.connect();
  await ensureCatalog();
}, 120_000);

afterAll(async () => {
  // What each process said, for when a vector fails: .o2c/flows/billing-vectors-<service>.log
  mkdirSync(logDirectory, { recursive: true });
  for (const process of running.values())
    writeFileSync(join(logDirectory, `billing-vectors-${process.service}.log`), process.output());
  await invoicingDb?.end();
  await Promise.all([...running.values()].map((process) => process.stop()));
  await invoicingDatabase?.drop();
  await topics?.delete();
});

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
async function postDeal(deal: VectorDeal): Promise<{ status: number; body: Record<string, unknown> }> {
  const body = JSON.stringify({ type: 'deal.closed_won', deal });
  const id = `msg_${randomUUID()}`;
  const now = new Date();
  const response = await fetch(`${service('deals').baseUrl}/v1/webhooks/deals`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign(id, now, body),
    },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The contract as subscriptions holds it, once it has applied every one of `dealIds`. */
async function contractWith(contractId: string, dealIds: string[]): Promise<ContractAnswer> {
  return waitForValue(async () => {
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

/** Resolves once invoicing has stored `versions` versions of the contract. */
async function invoicingHas(contractId: string, versions: number): Promise<void> {
  await waitForValue(async () => {
    const { rows } = await invoicingDb!.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM contract_version WHERE contract_id = $1',
      [contractId],
    );
    return rows[0]!.n === versions ? true : undefined;
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
      await invoicingHas(contractId, contract.body.version);

      const billRun = await billRunOf(vector.asOf);
      expect(billRun.status).toBe('finished');
      expect(billRun.failed.filter((failure) => failure.contractId === contractId)).toEqual([]);

      expect((await issuedLines(contractId)).sort(order)).toEqual([...vector.documentLines].sort(order));
    },
  );
});
