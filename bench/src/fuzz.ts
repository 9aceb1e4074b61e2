import { createHmac, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { Client } from 'pg';
import { signedHeaders } from './deals';
import { rssBytes } from './proc';
import { type BenchStack, SERVICES, type ServiceName, startStack } from './stack';

// `npm run fuzz`: property-based bad input against the running services (the stack of `npm run bench`): webhook
// bodies, headers and signatures, the HubSpot and Salesforce adapters, and every operations endpoint of every
// service from its OpenAPI document. Each answer must be below 500, and each refusal a problem+json that says
// what was wrong; a refused webhook must have stored nothing; the deals service's memory is sampled throughout.

const ROOT = join(__dirname, '..', '..');
const KINDS = [
  'webhook-body',
  'webhook-bytes',
  'webhook-headers',
  'hubspot',
  'salesforce',
  'operations',
] as const;
type Kind = (typeof KINDS)[number];

export interface FuzzCase {
  readonly kind: Kind;
  readonly method: string;
  readonly service: ServiceName;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
  /** The deal id the body carries, when it carries a string one (to check a refusal stored nothing). */
  readonly dealId?: string;
}

export interface FuzzFinding {
  readonly kind: Kind;
  readonly problem: string;
  readonly status: number;
  readonly request: string;
  readonly answer: string;
}

export interface FuzzReport {
  readonly date: string;
  readonly seed: number;
  readonly cases: number;
  readonly seconds: number;
  readonly byKind: Record<string, number>;
  readonly byStatus: Record<string, number>;
  /** Answers of 500 or more, refusals that were not problem+json naming the problem, refusals that stored. */
  readonly findings: FuzzFinding[];
  readonly refusedButStored: number;
  /** Requests sent again because the kept-alive connection they went out on had been closed by the server. */
  readonly resentOnNewConnection: number;
  /** RSS of the deals service in MiB after the warm-up and after each tenth of the cases. */
  readonly dealsRssMiB: number[];
}

const HUBSPOT_SECRET = randomUUID();
const HUBSPOT_BASE_URL = 'https://o2c.example.com';
const SALESFORCE_SECRET = `whsec_${Buffer.from(randomUUID()).toString('base64')}`;

/** The settings of the stack's deals service that open the CRM adapters to the fuzzer. */
export const FUZZ_DEALS_ENV = {
  HUBSPOT_CLIENT_SECRETS: HUBSPOT_SECRET,
  HUBSPOT_WEBHOOK_BASE_URL: HUBSPOT_BASE_URL,
  SALESFORCE_WEBHOOK_SECRETS: SALESFORCE_SECRET,
  SALESFORCE_DEFAULT_CURRENCY: 'USD',
};

const sample = JSON.parse(readFileSync(join(ROOT, 'deploy/samples/deal.closed-won.json'), 'utf8')) as {
  deal: Record<string, unknown>;
};
/** A CRM's documented shape, as the deals service's tests keep it. */
const fixture = (file: string): unknown =>
  JSON.parse(readFileSync(join(ROOT, 'services/deals/test/fixtures/crm', file), 'utf8'));

/** Every path (as keys) inside a JSON value. */
function pathsOf(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return [at, ...value.flatMap((v, i) => pathsOf(v, [...at, i]))];
  if (value && typeof value === 'object') {
    return [at, ...Object.entries(value).flatMap(([k, v]) => pathsOf(v, [...at, k]))];
  }
  return [at];
}

function withAt(value: unknown, path: (string | number)[], replace: (old: unknown) => unknown): unknown {
  if (path.length === 0) return replace(value);
  const [head, ...rest] = path;
  const copy = (Array.isArray(value) ? [...(value as unknown[])] : { ...(value as object) }) as Record<
    string | number,
    unknown
  >;
  const next = replace === DELETE && rest.length === 0 ? DELETE : withAt(copy[head!], rest, replace);
  if (next === DELETE) delete copy[head!];
  else copy[head!] = next;
  return copy;
}
const DELETE = (): unknown => DELETE;

/** A valid document with one place changed: deleted, or replaced by any JSON value, an edge string or number. */
const mutated = (document: unknown): fc.Arbitrary<unknown> => {
  const paths = pathsOf(document);
  const edge = fc.oneof(
    fc.jsonValue(),
    fc.string({ unit: 'binary', maxLength: 64 }),
    fc.constantFrom(
      '',
      ' ',
      '-1',
      '1e308',
      'NaN',
      '0.000000001',
      '9'.repeat(40),
      '2026-02-30',
      '\u0000',
      '💥',
    ),
    fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, -0, 1e308, -1, 0.1),
    fc.string({ minLength: 10_000, maxLength: 20_000 }),
  );
  return fc
    .tuple(fc.integer({ min: 0, max: paths.length - 1 }), fc.boolean(), edge)
    .map(([i, remove, value]) =>
      withAt(document, paths[i]!, remove && paths[i]!.length > 0 ? DELETE : () => value),
    );
};

const dealBody = (id: string, deal: unknown): unknown => ({
  ...sample,
  deal: { ...(deal as object), id },
});

interface Operation {
  readonly service: ServiceName;
  readonly method: string;
  readonly path: string;
  readonly parameters: { name: string; in: string }[];
  readonly hasBody: boolean;
}

/** Every operations endpoint of every service, from the committed OpenAPI documents. */
function operations(): Operation[] {
  return SERVICES.flatMap((service) => {
    const document = JSON.parse(readFileSync(join(ROOT, 'docs/api', `${service}.openapi.json`), 'utf8')) as {
      paths: Record<
        string,
        Record<string, { security?: unknown; parameters?: Operation['parameters']; requestBody?: unknown }>
      >;
    };
    return Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([, operation]) => operation.security !== undefined)
        .map(([method, operation]) => ({
          service,
          method: method.toUpperCase(),
          path,
          parameters: operation.parameters ?? [],
          hasBody: operation.requestBody !== undefined,
        })),
    );
  });
}

const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.uuid(),
  fc.constantFrom(
    '2027-01-01',
    '2027-13-01',
    '-1',
    '0',
    '99999999999999999999',
    '../../etc/passwd',
    "' OR 1=1 --",
  ),
);

/** The cases of one kind, as a fast-check arbitrary (the id makes each deal a new one). */
function caseOf(kind: Kind, stack: BenchStack, ops: Operation[]): fc.Arbitrary<FuzzCase> {
  const id = fc.uuid().map((u) => `fuzz-${u}`);
  switch (kind) {
    case 'webhook-body':
      return fc.tuple(id, mutated(sample.deal)).map(([dealId, deal]) => {
        const body = JSON.stringify(dealBody(dealId, deal));
        return webhook(body, signedHeaders(stack.secret, body, new Date()), dealId);
      });
    case 'webhook-bytes':
      return fc
        .tuple(
          fc.oneof(
            fc.string({ unit: 'binary', maxLength: 2_000 }),
            fc.jsonValue().map((v) => JSON.stringify(v)),
          ),
          fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', ''),
        )
        .map(([body, contentType]) => {
          const headers = signedHeaders(stack.secret, body, new Date());
          if (contentType) headers['content-type'] = contentType;
          else delete headers['content-type'];
          return webhook(body, headers);
        });
    case 'webhook-headers':
      return fc
        .tuple(
          id,
          fc.constantFrom('webhook-id', 'webhook-timestamp', 'webhook-signature'),
          fc.oneof(fc.constant(undefined), text, fc.integer().map(String)),
          fc.integer({ min: -10_000, max: 10_000 }),
        )
        .map(([dealId, header, value, skewSeconds]) => {
          const body = JSON.stringify(dealBody(dealId, sample.deal));
          const headers = signedHeaders(stack.secret, body, new Date(Date.now() + skewSeconds * 1000));
          if (value === undefined) delete headers[header];
          else headers[header] = value;
          return webhook(body, headers, dealId);
        });
    case 'hubspot':
      return mutated(fixture('hubspot/closed-won-deal.json')).map((document) => {
        const body = JSON.stringify(document);
        const path = '/v1/webhooks/hubspot/deals';
        const timestamp = String(Date.now());
        const signature = createHmac('sha256', HUBSPOT_SECRET)
          .update(`POST${HUBSPOT_BASE_URL}${path}${body}${timestamp}`, 'utf8')
          .digest('base64');
        return {
          kind,
          method: 'POST',
          service: 'deals',
          path,
          body,
          headers: {
            'content-type': 'application/json',
            'x-hubspot-request-timestamp': timestamp,
            'x-hubspot-signature-v3': signature,
          },
        };
      });
    case 'salesforce':
      return mutated(fixture('salesforce/closed-won-opportunity.json')).map((document) => {
        const body = JSON.stringify(document);
        return {
          kind,
          method: 'POST',
          service: 'deals',
          path: '/v1/webhooks/salesforce/opportunities',
          body,
          headers: signedHeaders(SALESFORCE_SECRET, body, new Date()),
        };
      });
    case 'operations':
      return fc
        .tuple(
          fc.constantFrom(...ops),
          fc.array(text, { minLength: 4, maxLength: 4 }),
          fc.oneof(fc.jsonValue(), fc.object(), fc.record({ asOf: text })),
        )
        .map(([operation, values, body]) => {
          let path = operation.path;
          const query = new URLSearchParams();
          operation.parameters.forEach((parameter, i) => {
            const value = values[i % values.length]!;
            if (parameter.in === 'path')
              path = path.replace(`{${parameter.name}}`, encodeURIComponent(value));
            else if (parameter.in === 'query' && i % 2 === 0) query.set(parameter.name, value);
          });
          const search = query.toString();
          return {
            kind,
            method: operation.method,
            service: operation.service,
            path: `${path}${search ? `?${search}` : ''}`,
            headers: {
              authorization: `Bearer ${stack.adminToken}`,
              ...(operation.hasBody ? { 'content-type': 'application/json' } : {}),
            },
            ...(operation.hasBody ? { body: JSON.stringify(body) } : {}),
          };
        });
  }
}

function webhook(body: string, headers: Record<string, string>, dealId?: string): FuzzCase {
  return {
    kind: 'webhook-body',
    method: 'POST',
    service: 'deals',
    path: '/v1/webhooks/deals',
    body,
    headers,
    ...(dealId ? { dealId } : {}),
  };
}

/** What is wrong with an answer, if anything. */
export function judge(status: number, contentType: string | null, body: string): string | undefined {
  if (status >= 500) return `answered ${status}`;
  if (status < 400) return undefined;
  if (!contentType?.includes('application/problem+json')) return `a ${status} that is not problem+json`;
  let problem: { title?: unknown; detail?: unknown; status?: unknown };
  try {
    problem = JSON.parse(body) as typeof problem;
  } catch {
    return `a ${status} problem+json that is not JSON`;
  }
  if (problem.status !== status) return `a ${status} problem whose status is ${String(problem.status)}`;
  if (typeof problem.title !== 'string' || typeof problem.detail !== 'string' || problem.detail === '') {
    return `a ${status} problem without a title and a detail naming what was wrong`;
  }
  return undefined;
}

/** Statuses of a webhook answer after which the deal must not be stored. */
const REFUSED = new Set([400, 401, 403, 404, 405, 413, 415, 429]);

export async function fuzz(
  stack: BenchStack,
  cases: number,
  seed: number,
  log: (line: string) => void,
  progress: (partial: Omit<FuzzReport, 'refusedButStored'>) => void = () => undefined,
): Promise<FuzzReport> {
  const ops = operations();
  const started = Date.now();
  const byKind: Record<string, number> = {};
  const byStatus: Record<string, number> = {};
  const findings: FuzzFinding[] = [];
  const refusedDeals: string[] = [];
  const dealsPid = stack.first('deals').pid;
  const rss = () => Math.round((rssBytes(dealsPid) ?? 0) / 1024 / 1024);
  const dealsRssMiB = [rss()];
  const batch = Math.max(1, Math.ceil(cases / 10));
  const concurrency = 8;
  let done = 0;
  let round = 0;
  let resent = 0;
  while (done < cases) {
    const size = Math.min(batch, cases - done);
    const generated = fc.sample(
      fc.constantFrom(...KINDS).chain((kind) => caseOf(kind, stack, ops).map((c) => ({ ...c, kind }))),
      { numRuns: size, seed: seed + round++ },
    );
    let next = 0;
    const worker = async () => {
      while (next < generated.length) {
        const one = generated[next++]!;
        byKind[one.kind] = (byKind[one.kind] ?? 0) + 1;
        const base = stack.first(one.service).baseUrl;
        const send = async (): Promise<{ status: number; contentType: string | null; answer: string }> => {
          try {
            const response = await fetch(`${base}${one.path}`, {
              method: one.method,
              headers: one.headers,
              ...(one.body === undefined ? {} : { body: one.body }),
            });
            return {
              status: response.status,
              contentType: response.headers.get('content-type'),
              answer: await response.text(),
            };
          } catch (error) {
            const cause =
              error instanceof Error
                ? (error.cause as { code?: string; message?: string } | undefined)
                : undefined;
            return {
              status: 599,
              contentType: null,
              answer: `no answer: ${error instanceof Error ? error.message : String(error)}${cause ? ` (${cause.code ?? ''} ${cause.message ?? ''})` : ''}`,
            };
          }
        };
        let { status, contentType, answer } = await send();
        // A kept-alive connection the server had closed after an earlier answer: sent again on a new one; counted,
        // and a finding only if it fails again.
        if (status === 599 && answer.includes('UND_ERR_SOCKET')) {
          resent++;
          ({ status, contentType, answer } = await send());
        }
        byStatus[status] = (byStatus[status] ?? 0) + 1;
        const problem = judge(status, contentType, answer);
        if (problem && findings.length < 100) {
          findings.push({
            kind: one.kind,
            problem,
            status,
            request: `${one.method} ${one.path} ${JSON.stringify(one.headers)} ${(one.body ?? '').slice(0, 2_000)}`,
            answer: answer.slice(0, 2_000),
          });
        }
        if (one.dealId && REFUSED.has(status)) refusedDeals.push(one.dealId);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    done += size;
    dealsRssMiB.push(rss());
    log(`${done} cases, ${findings.length} findings, deals RSS ${dealsRssMiB.at(-1)} MiB`);
    progress({
      date: new Date(started).toISOString(),
      seed,
      cases: done,
      seconds: Math.round((Date.now() - started) / 100) / 10,
      byKind,
      byStatus,
      findings,
      resentOnNewConnection: resent,
      dealsRssMiB,
    });
  }
  const db = new Client({ connectionString: stack.databases.deals.url });
  await db.connect();
  let refusedButStored = 0;
  try {
    for (let i = 0; i < refusedDeals.length; i += 5_000) {
      const { rows } = await db.query<{ n: number }>(
        `SELECT (SELECT count(*)::int FROM deal WHERE deal_id = ANY($1))
              + (SELECT count(*)::int FROM deal_attempt WHERE deal_id = ANY($1)) AS n`,
        [refusedDeals.slice(i, i + 5_000)],
      );
      refusedButStored += rows[0]!.n;
    }
  } finally {
    await db.end();
  }
  return {
    date: new Date(started).toISOString(),
    seed,
    cases,
    seconds: Math.round((Date.now() - started) / 100) / 10,
    byKind,
    byStatus,
    findings,
    refusedButStored,
    resentOnNewConnection: resent,
    dealsRssMiB,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      cases: { type: 'string', default: '100000' },
      seed: { type: 'string' },
      out: { type: 'string', default: join(ROOT, 'bench', 'results') },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log('npm run fuzz -- [--cases 100000] [--seed <n>] [--out bench/results]');
    return;
  }
  const cases = Number(values.cases);
  if (!Number.isInteger(cases) || cases < 1)
    throw new Error(`--cases must be a positive integer, got ${values.cases}`);
  const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
  const log = (line: string) => console.error(`[fuzz] ${line}`);
  log('starting the stack');
  const stack = await startStack(process.env.BENCH_LOG_LEVEL ?? 'warn', { deals: FUZZ_DEALS_ENV });
  mkdirSync(values.out, { recursive: true });
  const file = join(values.out, `fuzz-${new Date().toISOString().slice(0, 10)}.json`);
  // Written after each tenth of the cases too, so that a run stopped early leaves what it found.
  const write = (report: unknown) => writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  let report: FuzzReport;
  try {
    report = await fuzz(stack, cases, seed, log, (partial) => write({ ...partial, finished: false }));
  } finally {
    await stack.stop();
  }
  write(report);
  console.log(
    `${report.cases} cases in ${report.seconds} s (seed ${report.seed}): ${report.findings.length} findings, ` +
      `${report.refusedButStored} refused webhooks stored; statuses ${JSON.stringify(report.byStatus)}; ` +
      `deals RSS ${report.dealsRssMiB.join(' → ')} MiB; report ${file}`,
  );
  if (report.findings.length > 0 || report.refusedButStored > 0) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
