import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DealClosedV1 } from '@o2c/contracts';
import { type RunningService } from '@o2c/testing';
import { type Client } from 'pg';
import { type DealsEnv } from '../../src/config/env.schema';
import { postDeal, sampleDeal } from './support/deal-webhook';
import { admin, json, startDeals, stopDeals } from './support/ops';

let sut: RunningService<DealsEnv>;
let db: Client;

interface Entry {
  sku: string;
  version: number;
  name: string;
  createdAt: string;
}

/** The catalog snapshot of the first line in the event of an accepted deal. */
async function snapshotOf(dealId: string): Promise<unknown> {
  const { rows } = await db.query<{ data: DealClosedV1 }>(`SELECT data FROM outbox WHERE subject = $1`, [
    `deal/${dealId}`,
  ]);
  expect(rows).toHaveLength(1);
  return rows[0]!.data.lines[0]!.catalog;
}

const pro = { licenseProduct: 'pro', seatsPerUnit: 1, features: ['sso'] };
/** When a version was made: the clock's, not checked. */
const anyTime = expect.any(String) as unknown as string;

beforeAll(async () => {
  ({ sut, db } = await startDeals());
});

afterAll(() => stopDeals({ sut, db }));

describe('the catalog API', () => {
  it('lists the current version of every entry, and one entry with its versions', async () => {
    const { items } = await json<{ items: Entry[] }>(
      await admin(sut.baseUrl, '/v1/catalog', { authorization: null }),
      200,
    );
    expect(items.map((e) => [e.sku, e.version])).toEqual([
      ['ADDON-SSO', 1],
      ['ONBOARDING', 1],
      ['PLATFORM', 1],
      ['SEAT-BASIC', 1],
      ['SEAT-PRO', 1],
      ['TRAINING', 1],
    ]);
    const onboarding = await json(
      await admin(sut.baseUrl, '/v1/catalog/ONBOARDING', { authorization: null }),
      200,
    );
    expect(onboarding).toEqual({
      sku: 'ONBOARDING',
      current: {
        sku: 'ONBOARDING',
        version: 1,
        name: 'Onboarding',
        chargeType: 'one_time',
        createdAt: anyTime,
      },
      versions: [
        {
          sku: 'ONBOARDING',
          version: 1,
          name: 'Onboarding',
          chargeType: 'one_time',
          createdAt: anyTime,
        },
      ],
    });
  });

  it('answers 404 problem+json for an unknown SKU', async () => {
    const response = await admin(sut.baseUrl, '/v1/catalog/SEAT-NOPE');
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await json(response, 404)).toMatchObject({
      code: 'DEALS.CATALOG_ENTRY_NOT_FOUND',
      detail: 'no catalog entry SEAT-NOPE is known',
    });
  });

  it.each([
    [
      'a bad entry, every field named',
      { sku: 'SEAT-PRO', chargeType: 'monthly', provisioning: { seatsPerUnit: -1, features: 'sso' } },
      [
        'chargeType',
        'name',
        'provisioning.features',
        'provisioning.licenseProduct',
        'provisioning.seatsPerUnit',
        'sku',
      ],
    ],
    [
      'a recurring entry without its price period',
      { name: 'Pro seat', chargeType: 'recurring' },
      ['defaultPricePeriod'],
    ],
    [
      'a price period on a one-time entry',
      { name: 'Set-up', chargeType: 'one_time', defaultPricePeriod: 'year' },
      ['defaultPricePeriod'],
    ],
    [
      'a version',
      { name: 'Pro seat', chargeType: 'recurring', defaultPricePeriod: 'year', version: 7 },
      ['version'],
    ],
  ])('refuses %s with 400 and stores nothing', async (_case, request, paths) => {
    const response = await admin(sut.baseUrl, '/v1/catalog/SEAT-PRO', { method: 'PUT', body: request });
    const problem = await json<{ errors: { path: string }[] }>(response, 400);
    expect([...new Set(problem.errors.map((e) => e.path))].sort()).toEqual(paths);
    const { rows } = await db.query(`SELECT version FROM catalog_entry WHERE sku = 'SEAT-PRO'`);
    expect(rows).toEqual([{ version: 1 }]);
  });

  it('refuses a SKU over 255 characters with 400 naming it', async () => {
    const response = await admin(sut.baseUrl, `/v1/catalog/${'S'.repeat(256)}`);
    expect((await json<{ errors: { path: string }[] }>(response, 400)).errors.map((e) => e.path)).toEqual([
      'sku',
    ]);
  });

  it('makes a new version that deals accepted from then on snapshot, those before keeping theirs', async () => {
    const before = sampleDeal();
    expect((await postDeal(sut.baseUrl, before)).status).toBe(202);

    const entry = {
      name: 'Pro seat (2026)',
      chargeType: 'recurring',
      defaultPricePeriod: 'year',
      provisioning: pro,
    };
    const created = await json(
      await admin(sut.baseUrl, '/v1/catalog/SEAT-PRO', { method: 'PUT', body: entry }),
      201,
    );
    expect(created).toEqual({ sku: 'SEAT-PRO', version: 2, ...entry, createdAt: anyTime });
    // The same content again is the current version already.
    const again = await json(
      await admin(sut.baseUrl, '/v1/catalog/SEAT-PRO', { method: 'PUT', body: entry }),
      200,
    );
    expect(again).toEqual(created);

    const detail = await json<{ current: Entry; versions: Entry[] }>(
      await admin(sut.baseUrl, '/v1/catalog/SEAT-PRO'),
      200,
    );
    expect(detail.current.version).toBe(2);
    expect(detail.versions.map((v) => [v.version, v.name])).toEqual([
      [2, 'Pro seat (2026)'],
      [1, 'Pro seat'],
    ]);

    const after = sampleDeal();
    expect((await postDeal(sut.baseUrl, after)).status).toBe(202);
    expect(await snapshotOf(before.deal.id)).toEqual({
      sku: 'SEAT-PRO',
      version: 1,
      name: 'Pro seat',
      chargeType: 'recurring',
      defaultPricePeriod: 'year',
      provisioning: pro,
    });
    expect(await snapshotOf(after.deal.id)).toEqual({ sku: 'SEAT-PRO', version: 2, ...entry });
  });

  it('numbers versions one after the other when they are written at once', async () => {
    const entries = ['A', 'B', 'C'].map((n) => ({ name: `Training day ${n}`, chargeType: 'one_time' }));
    const responses = await Promise.all(
      entries.map((body) => admin(sut.baseUrl, '/v1/catalog/TRAINING', { method: 'PUT', body })),
    );
    expect(responses.map((r) => r.status)).toEqual([201, 201, 201]);
    const versions = ((await Promise.all(responses.map((r) => r.json()))) as Entry[])
      .map((e) => e.version)
      .sort();
    expect(versions).toEqual([2, 3, 4]);
  });
});

describe('GET /openapi.json', () => {
  interface Operation {
    responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }>;
    parameters?: { name: string; in: string }[];
    security?: Record<string, string[]>[];
  }
  let document: {
    openapi: string;
    paths: Record<string, Record<string, Operation>>;
    components: {
      schemas: Record<string, { properties?: Record<string, unknown> }>;
      securitySchemes: unknown;
    };
  };

  beforeAll(async () => {
    document = await json(await fetch(`${sut.baseUrl}/openapi.json`), 200);
  });

  it('is the committed docs/api/deals.openapi.json (npm run api:docs)', () => {
    const committed: unknown = JSON.parse(
      readFileSync(join(__dirname, '../../../../docs/api/deals.openapi.json'), 'utf8'),
    );
    expect(document).toEqual(committed);
  });

  it('describes every route: the webhooks, the preview, the exception queue, the catalog, the dead letters, health and the documents, with their problems and the admin token or a key with the scope', () => {
    expect(document.openapi).toBe('3.1.0');
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => [
        `${method.toUpperCase()} ${path}`,
        Object.keys(op.responses).sort().join(' '),
        op.security ? 'admin' : '-',
      ]),
    );
    // The CRM adapters' answers are theirs to document (docs/crm-adapters.md); here only that they are there.
    const crm = ['POST /v1/webhooks/hubspot/deals', 'POST /v1/webhooks/salesforce/opportunities'];
    expect(
      operations.filter(([operation]) => crm.includes(operation!)).map(([o, , admin]) => [o, admin]),
    ).toEqual([
      ['POST /v1/webhooks/hubspot/deals', '-'],
      ['POST /v1/webhooks/salesforce/opportunities', '-'],
    ]);
    expect(operations.filter(([operation]) => !crm.includes(operation!)).sort()).toEqual([
      ['GET /asyncapi.json', '200', '-'],
      ['GET /health/live', '200', '-'],
      ['GET /health/ready', '200 503', '-'],
      ['GET /metrics', '200', '-'],
      ['GET /openapi.json', '200', '-'],
      ['GET /v1/admin/dead-letters', '200 400 401 403', 'admin'],
      ['GET /v1/catalog', '200', '-'],
      ['GET /v1/catalog/{sku}', '200 400 404', '-'],
      ['GET /v1/deals', '200 400 401 403', 'admin'],
      ['GET /v1/deals/{id}', '200 401 403 404', 'admin'],
      ['POST /v1/admin/dead-letters/replay', '200 401 403', 'admin'],
      ['POST /v1/admin/dead-letters/{id}/replay', '200 400 401 403 404', 'admin'],
      ['POST /v1/deals/preview', '200 400 401 403 413 422', 'admin'],
      ['POST /v1/deals/replay', '200 400 401 403', 'admin'],
      ['POST /v1/deals/{id}/replay', '200 401 403 404', 'admin'],
      ['POST /v1/webhooks/deals', '200 202 400 401 413 422 429', '-'],
      ['PUT /v1/catalog/{sku}', '200 201 400 401 403', 'admin'],
    ]);
    expect(document.components.securitySchemes).toEqual({
      admin: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'opaque',
        description: 'ADMIN_TOKEN (every scope) or an API key of API_KEYS with the scope an operation names',
      },
    });
    const webhook = document.paths['/v1/webhooks/deals']!['post']!;
    expect(webhook.responses['422']!.content).toEqual({
      'application/problem+json': { schema: { $ref: '#/components/schemas/NotBillableProblemResponse' } },
    });
    expect(webhook.parameters!.map((p) => `${p.in} ${p.name}`).sort()).toEqual([
      'header webhook-id',
      'header webhook-signature',
      'header webhook-timestamp',
    ]);
    expect(document.paths['/v1/deals']!['get']!.parameters!.map((p) => `${p.in} ${p.name}`)).toEqual([
      'query status',
      'query limit',
      'query cursor',
    ]);
  });

  it('gives request bodies the schema of the rules that check them', () => {
    const properties = (name: string) =>
      Object.keys(document.components.schemas[name]?.properties ?? {}).sort();
    expect(properties('DealWebhookRequest')).toEqual(['deal', 'type']);
    expect(properties('DealWebhookDeal')).toEqual([
      'account',
      'amends',
      'cancellation',
      'closedAt',
      'currency',
      'effectiveDate',
      'id',
      'kind',
      'lines',
      'revision',
      'terms',
    ]);
    expect(properties('DealWebhookLine')).toEqual([
      'discountPercent',
      'id',
      'pricePeriod',
      'quantity',
      'segments',
      'sku',
      'unitPrice',
    ]);
    expect(properties('CatalogEntryRequest')).toEqual([
      'chargeType',
      'defaultPricePeriod',
      'name',
      'provisioning',
    ]);
    expect(properties('ReplayDealsRequest')).toEqual(['ids', 'status']);
    const referenced = [...JSON.stringify(document).matchAll(/"#\/components\/schemas\/([^"]+)"/g)].map(
      (m) => m[1]!,
    );
    for (const name of new Set(referenced)) {
      expect([name, Object.keys(document.components.schemas[name]?.properties ?? {}).length > 0]).toEqual([
        name,
        true,
      ]);
    }
  });
});
