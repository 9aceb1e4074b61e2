import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asyncApiDocument } from '@o2c/contracts';
import {
  ADMIN_SECURITY,
  OPERATIONS_SCOPES,
  serviceOpenApiDocument,
  type ServiceDefinition,
  type ServiceEnv,
  validateEnv,
} from '@o2c/platform';

/**
 * The routes open without an operations credential, on purpose, each with why; every other route of every service
 * must declare one scope of `OPERATIONS_SCOPES` (docs/operations.md, "Operations credentials").
 */
export const PUBLIC_ROUTES: Readonly<Record<string, string>> = {
  'GET /health/live': 'the orchestrator asks whether the process lives',
  'GET /health/ready': 'the orchestrator asks whether it may send traffic',
  'GET /metrics': 'Prometheus scrapes it; labels are templates and names, never customer data',
  'GET /asyncapi.json': 'the event contracts, public documentation',
  'GET /openapi.json': "the service's API, public documentation",
  'POST /v1/webhooks/deals': "the CRM's webhook: its HMAC signature is its credential",
  'POST /v1/webhooks/hubspot/deals': "HubSpot's webhook: its v3 signature is its credential",
  'POST /v1/webhooks/salesforce/opportunities': "Salesforce's outbound call: its signature is its credential",
  'GET /v1/catalog': 'the product catalog, what a CRM integration reads to map its products',
  'GET /v1/catalog/{sku}': 'one catalog entry, as above',
  'GET /.well-known/jwks.json': "the licences' public keys, for products to verify licences offline",
  'POST /v1/licenses/verify': 'a product checks a licence it holds; the licence is the credential',
};

const root = join(__dirname, '..', '..', '..');
/** The folder of the static API documents. */
export const apiDocsDirectory = join(root, 'docs', 'api');

/** How an API document is written to docs/api (and compared byte for byte). */
export const apiDocumentText = (document: unknown): string => `${JSON.stringify(document, null, 2)}\n`;

/** Validates API documents with the real validators (`tools/validate-api-docs.js`, in a process of its own). */
export function validateApiDocuments(files: readonly string[]): { ok: boolean; output: string } {
  const result = spawnSync(process.execPath, [join(root, 'tools', 'validate-api-docs.js'), ...files], {
    encoding: 'utf8',
  });
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

function firstDifference(committed: string, generated: string): string {
  const a = committed.split('\n');
  const b = generated.split('\n');
  const line = a.findIndex((text, i) => text !== b[i]);
  const at = line === -1 ? a.length : line;
  return `line ${at + 1}: committed ${JSON.stringify(a[at] ?? '<end>')}, generated ${JSON.stringify(b[at] ?? '<end>')}`;
}

function checkCommitted(file: string, generated: string): void {
  if (process.env['O2C_API_DOCS'] === 'write') {
    writeFileSync(file, generated);
    return;
  }
  let committed: string;
  try {
    committed = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`${file} is missing: run npm run api:docs and commit it`);
  }
  if (committed !== generated) {
    throw new Error(
      `${file} is stale (${firstDifference(committed, generated)}): run npm run api:docs and commit it`,
    );
  }
}

/**
 * Checks a service's static API documents: `docs/api/<service>.openapi.json` and `docs/api/asyncapi.json` are
 * what the service serves (built from its module graph, without a database or Kafka) and pass the real
 * validators. With `O2C_API_DOCS=write` (`npm run api:docs`) it writes them instead of comparing.
 * `serviceEnv`: the variables of the service's own that valid settings need.
 */
export function describeApiDocuments<E extends ServiceEnv>(
  definition: ServiceDefinition<E>,
  serviceEnv: Record<string, string> = {},
): void {
  describe(`${definition.service} API documents`, () => {
    const env = validateEnv(definition.envSchema, {
      // Never connected to: the preview application instantiates nothing.
      DATABASE_URL: 'postgres://o2c@database.invalid:5432',
      KAFKA_BROKERS: 'kafka.invalid:9092',
      ...serviceEnv,
    });
    let scratch: string;

    beforeAll(() => {
      scratch = mkdtempSync(join(tmpdir(), 'o2c-api-docs-'));
    });

    afterAll(() => rmSync(scratch, { recursive: true, force: true }));

    it(`docs/api/${definition.service}.openapi.json is the service's OpenAPI 3.1 document, and valid`, async () => {
      const document = await serviceOpenApiDocument(definition, env);
      expect(document.openapi).toBe('3.1.0');
      const text = apiDocumentText(document);
      const generated = join(scratch, `${definition.service}.openapi.json`);
      writeFileSync(generated, text);
      const validation = validateApiDocuments([generated]);
      expect([validation.ok, validation.output]).toEqual([true, expect.any(String)]);
      checkCommitted(join(apiDocsDirectory, `${definition.service}.openapi.json`), text);
    });

    it('has no route open by mistake: each is public on purpose or declares one operations scope', async () => {
      const document = await serviceOpenApiDocument(definition, env);
      const wrong: string[] = [];
      for (const [path, item] of Object.entries(document.paths)) {
        for (const [method, operation] of Object.entries(item as Record<string, { security?: unknown }>)) {
          const route = `${method.toUpperCase()} ${path}`;
          const security = operation.security as Record<string, string[]>[] | undefined;
          if (security === undefined) {
            if (!(route in PUBLIC_ROUTES)) wrong.push(`${route}: open, and not one of PUBLIC_ROUTES`);
            continue;
          }
          if (route in PUBLIC_ROUTES) wrong.push(`${route}: in PUBLIC_ROUTES, yet behind a credential`);
          const scopes = security.flatMap((requirement) => requirement[ADMIN_SECURITY] ?? []);
          if (scopes.length !== 1 || !(OPERATIONS_SCOPES as readonly string[]).includes(scopes[0]!)) {
            wrong.push(`${route}: declares ${JSON.stringify(scopes)}, not one scope of OPERATIONS_SCOPES`);
          }
        }
      }
      expect(wrong).toEqual([]);
    });

    it('docs/api/asyncapi.json is the AsyncAPI 3.0 document it serves, of the event contracts alone, and valid', () => {
      const document = asyncApiDocument('1.0.0') as { components: { schemas: Record<string, unknown> } };
      // The service's settings are validated classes in this process too; they are no event contract.
      expect(Object.keys(document.components.schemas)).not.toContain(definition.envSchema.name);
      const text = apiDocumentText(document);
      const generated = join(scratch, 'asyncapi.json');
      writeFileSync(generated, text);
      const validation = validateApiDocuments([generated]);
      expect([validation.ok, validation.output]).toEqual([true, expect.any(String)]);
      checkCommitted(join(apiDocsDirectory, 'asyncapi.json'), text);
    });
  });
}
