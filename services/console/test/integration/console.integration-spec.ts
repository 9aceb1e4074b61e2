import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  aDeal,
  eventually,
  freePort,
  newAdminToken,
  newSigningKey,
  newWebhookSecret,
  type Stack,
  startStack,
} from '@o2c/testing';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { CHROMIUM, ensureChromium } from '../support/chromium';
import { type ConsoleProcess, startConsole } from '../support/console-process';

// The console against the real stack: the four services from their builds on the real PostgreSQL and Kafka, the
// gateway from its build in front of them, Debian's Chromium driven by playwright-core at a laptop's 1366×768.
// One stack for every journey. Each journey takes a screenshot of its page.

// The screenshots of docs/console.md are written there with O2C_SCREENSHOTS=write (as `npm run api:docs` writes
// docs/api); otherwise into a scratch folder, so that a test run leaves the checkout as it was.
const screenshots =
  process.env['O2C_SCREENSHOTS'] === 'write'
    ? join(__dirname, '..', '..', '..', '..', 'docs', 'console')
    : join(tmpdir(), 'o2c-console-screenshots');
// One operations token for the four services, as `npm run demo` gives them: the operator signs in with it.
const token = newAdminToken();
const bearer = { authorization: `Bearer ${token}` };

let stack: Stack;
let gateway: ConsoleProcess;
let browser: Browser;
let page: Page;
let product: Server;

function startProduct(): Promise<string> {
  product = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(204).end());
  });
  return new Promise((resolve) =>
    product.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(product.address() as AddressInfo).port}/pro`),
    ),
  );
}

/** A deal whose term started in the past: its first invoice is issued at once and its licence is current. */
function runningDeal(dealId: string, accountId: string, sku: string) {
  return aDeal(dealId)
    .forAccount({ id: accountId, name: `${accountId} GmbH`, country: 'DE' })
    .inCurrency('EUR')
    .startingOn('2026-01-01')
    .forMonths(240)
    .billed('annual')
    .withLine({ id: 'L1', sku, quantity: 5, unitPrice: '1200.00' })
    .build();
}

function serviceUrls(): Record<string, string> {
  return {
    DEALS_URL: stack.service('deals').baseUrl,
    SUBSCRIPTIONS_URL: stack.service('subscriptions').baseUrl,
    INVOICING_URL: stack.service('invoicing').baseUrl,
    PROVISIONING_URL: stack.service('provisioning').baseUrl,
  };
}

/** What the specs read of the gateway's answers: a timeline, the pipeline or a problem. */
interface Body {
  status?: number;
  code?: string;
  service?: string;
  errors?: { path: string; message: string }[];
  matched?: string;
  accountId?: string;
  contractIds?: string[];
  dealIds?: string[];
  entries?: { stage: string; status: string; title: string; ref?: { id: string } }[];
  stuck?: unknown;
  unavailable?: unknown[];
}

async function get(path: string, headers: Record<string, string> = bearer, base = gateway.baseUrl) {
  const response = await fetch(`${base}${path}`, { headers });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: (await response.json()) as Body,
  };
}

/** Waits for `locator`, pressing the page's Refresh button meanwhile: what another service does takes its time. */
async function untilShown(locator: Locator, what: string): Promise<void> {
  await eventually(
    async () => {
      if (await locator.first().isVisible()) return true;
      await page.getByRole('button', { name: 'Refresh' }).first().click();
      await locator
        .first()
        .waitFor({ timeout: 1_000 })
        .catch(() => undefined);
      return (await locator.first().isVisible()) || undefined;
    },
    { what, timeoutMs: 60_000, intervalMs: 500 },
  );
}

async function open(hash: string): Promise<void> {
  await page.goto(`${gateway.baseUrl}/#/${hash}`);
}

/** A screenshot of the page from its top, once nothing is loading any more. */
async function snapshot(name: string): Promise<void> {
  // Run in the page (this file is type-checked without the DOM's types).
  await page.waitForFunction('!document.querySelector(\'[data-loading="true"], .mantine-Loader-root\')');
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: join(screenshots, `${name}.png`) });
}

beforeAll(async () => {
  ensureChromium();
  mkdirSync(screenshots, { recursive: true });
  const productUrl = await startProduct();
  stack = await startStack('console', {
    deals: { ADMIN_TOKEN: token },
    subscriptions: { ADMIN_TOKEN: token, RENEWAL_JOB_INTERVAL_MINUTES: '0' },
    invoicing: { ADMIN_TOKEN: token, BILL_RUN_INTERVAL_MINUTES: '0' },
    provisioning: {
      ADMIN_TOKEN: token,
      PROVISIONING_SIGNING_KEY: newSigningKey(),
      PROVISIONING_ALLOWED_HOSTS: '127.0.0.1',
      PROVISIONING_TARGETS: `pro=${productUrl}`,
      PROVISIONING_WEBHOOK_SECRETS: newWebhookSecret(),
      PROVISIONING_DELIVERY_POLL_MS: '200',
    },
  });
  gateway = await startConsole(serviceUrls());
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  await open('pipeline');
  await page.getByLabel('Operations token').fill(token);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Pipeline' }).waitFor();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
  await stack?.stop();
  await new Promise((resolve) => product?.close(resolve));
});

describe('the console in a browser', () => {
  it('finds a deal rejected for an unknown SKU, fixes the catalog, replays it and shows it accepted with its invoice', async () => {
    const posted = await stack.postDeal(runningDeal('D-TURBO', 'ACC-TURBO', 'SEAT-TURBO'));
    expect(posted.status).toBe(422);
    // Another deal rejected for an SKU nobody adds: it stays in the queue.
    expect((await stack.postDeal(runningDeal('D-NOPE', 'ACC-NOPE', 'SEAT-NOPE'))).status).toBe(422);

    await open('exceptions');
    await page.getByText('unknown SKU SEAT-TURBO').waitFor();
    await page.getByRole('link', { name: 'Add SEAT-TURBO to the catalog' }).click();
    await page.getByLabel(/^Name/).fill('Turbo seat');
    await page.getByLabel('Licence product (optional)').fill('pro');
    await page.getByRole('button', { name: 'Save entry' }).click();
    await page.getByText('SEAT-TURBO is at version 1').waitFor();

    await open('exceptions');
    await page.getByLabel('Select deal D-TURBO').check();
    await page.getByRole('button', { name: 'Replay selected (1)' }).click();
    const outcome = page.getByRole('region', { name: 'Replay outcome' });
    await outcome.getByText('accepted', { exact: true }).waitFor();
    expect(await outcome.textContent()).toContain('D-TURBO: replayed');
    await page.getByText('unknown SKU SEAT-NOPE').waitFor();
    // The queue is read again after the replay: SEAT-NOPE's deal was there before, so wait for D-TURBO to go.
    await page.getByText('unknown SKU SEAT-TURBO').waitFor({ state: 'detached' });
    expect(await page.getByText('unknown SKU SEAT-TURBO').count()).toBe(0);
    await page.getByRole('button', { name: 'Details' }).click();
    await page.getByText('The deal as the CRM sent it (revision 1)').waitFor();
    await snapshot('exception-queue');

    await outcome.getByRole('link', { name: 'D-TURBO' }).click();
    await untilShown(page.getByText(/^Invoice INV-2026-\d{6} issued 2026-01-01/), 'the invoice of D-TURBO');
    expect(await page.getByText('Deal D-TURBO (revision 1) replayed: accepted').count()).toBe(1);
  });

  it("follows a deal from the webhook to its licence and the product's webhook", async () => {
    const posted = await stack.postDeal(runningDeal('D-PRO', 'ACC-PRO', 'SEAT-PRO'));
    expect(posted.status).toBe(202);

    await open('journey');
    await page.getByLabel('Deal id, contract id, account id or invoice number').fill('D-PRO');
    await page.keyboard.press('Enter');
    await untilShown(page.getByText('Webhook to the pro product: delivered'), 'the delivery of D-PRO');
    await page.getByText('Deal D-PRO (revision 1) received from the CRM: accepted').waitFor();
    await page.getByText(/^Contract .+ version 1$/).waitFor();
    await page.getByText(/^Invoice INV-2026-\d{6} issued 2026-01-01/).waitFor();
    await page.getByText(/^Licence .+: pro granted, 5 seats$/).waitFor();
    await page.getByText('Nothing is stuck').waitFor();
    await snapshot('journey');
  });

  it('records a payment on an invoice and shows what settled it', async () => {
    const contractId = (await get('/api/timeline?id=D-PRO')).body.contractIds![0]!;
    await open(`documents?kind=invoice&contractId=${encodeURIComponent(contractId)}`);
    await page.getByRole('button', { name: /^Open INV-2026-/ }).click();
    // 5 seats × 1,200.00 EUR a year, 19 % German VAT: 6,000.00 + 1,140.00 = 7,140.00 due.
    await page.getByText('due 7,140.00 EUR').waitFor();
    await page.getByLabel('Reference').fill('WIRE-2026-17');
    await page.getByRole('button', { name: 'Record payment' }).click();
    await page.getByText('payment WIRE-2026-17').waitFor();
    await page.getByText('due 0.00 EUR').waitFor();
    expect(await page.getByRole('heading', { name: /^Invoice INV-2026-/ }).textContent()).toContain('paid');
    await snapshot('invoice-payment');
  });

  it('starts a bill run for a date and shows the documents it issued', async () => {
    const posted = await stack.postDeal(
      aDeal('D-2031')
        .forAccount({ id: 'ACC-2031', name: 'Later AG', country: 'DE' })
        .inCurrency('EUR')
        .startingOn('2031-01-01')
        .forMonths(12)
        .billed('annual')
        .withLine({ id: 'L1', sku: 'SEAT-PRO', quantity: 2, unitPrice: '600.00' })
        .build(),
    );
    expect(posted.status).toBe(202);
    await stack.settled(posted.body.contractId as string, 1);

    await open('runs');
    await page.getByLabel('As of').fill('2031-01-01');
    await page.getByRole('button', { name: 'Start bill run' }).click();
    const outcome = page.getByRole('region', { name: 'Run outcome' });
    await outcome.getByText('Documents it issued').waitFor({ timeout: 60_000 });
    await outcome
      .getByRole('row')
      .filter({ hasText: posted.body.contractId as string })
      .getByText(/^INV-2031-\d{6}$/)
      .waitFor();
    await snapshot('runs');
  });

  it('shows the pipeline: deals by status, what waits for a person, dead letters and jobs', async () => {
    await open('pipeline');
    await untilShown(page.getByRole('link', { name: 'D-NOPE', exact: true }), 'D-NOPE waiting');
    await page.getByText('Dead letters and run failures').waitFor();
    await snapshot('pipeline');
    const contractId = (await get('/api/timeline?id=D-PRO')).body.contractIds![0]!;
    await open(`contract?id=${encodeURIComponent(contractId)}`);
    await page.getByText(/^Billing schedule: every document/).waitFor();
    await snapshot('contract');
  });
});

describe('the keyboard', () => {
  it('reaches every page with Tab and opens one with Enter', async () => {
    await open('pipeline');
    // From the top of a freshly loaded page.
    await page.reload();
    await page.getByRole('heading', { name: 'Pipeline' }).waitFor();
    const reached: string[] = [];
    while (reached.at(-1) !== 'Runs' && reached.length < 15) {
      await page.keyboard.press('Tab');
      reached.push(String(await page.evaluate('document.activeElement?.textContent ?? ""')));
    }
    expect(reached).toEqual(
      expect.arrayContaining(['Sign out', 'Pipeline', 'Exception queue', 'Deal journey', 'Contract', 'Runs']),
    );
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Runs' }).waitFor();
  });
});

describe('the preview in a browser', () => {
  it('shows every document of the pasted deal: its term and its first renewal', async () => {
    await open('preview');
    // The page's sample: 20 Pro seats at 600.00 EUR a year from 2027-01-01, 12 months billed quarterly, renewing.
    await page.getByRole('button', { name: 'Preview', exact: true }).click();
    // Four quarters of the term and four of the renewal, each 20 × 600.00 × 3/12 = 3,000.00 EUR before tax.
    await page.getByText('8 documents').waitFor();
    expect(await page.getByRole('cell', { name: '3,000.00 EUR' }).count()).toBe(8);
    await snapshot('preview');
  });
});

describe('the timeline API', () => {
  it('gathers a deal from any of its ids: deal, contract, account, invoice number', async () => {
    const byDeal = await get('/api/timeline?id=D-PRO');
    expect(byDeal.status).toBe(200);
    expect(byDeal.body).toMatchObject({
      id: 'D-PRO',
      matched: 'deal',
      accountId: 'ACC-PRO',
      dealIds: ['D-PRO'],
      stuck: null,
    });
    const stages = byDeal.body.entries!.map((e) => `${e.stage}:${e.status}`);
    expect(stages).toEqual(
      expect.arrayContaining([
        'webhook:accepted',
        'contract:activated',
        'licence:granted',
        'delivery:delivered',
      ]),
    );
    // The order of the stages: webhook first, deliveries last.
    expect(stages[0]).toBe('webhook:accepted');
    expect(stages.at(-1)).toBe('delivery:delivered');
    const [contractId] = byDeal.body.contractIds!;
    const invoice = byDeal.body.entries!.find((e) => e.stage === 'invoice')!;
    const number = /INV-2026-\d{6}/.exec(invoice.title)![0];

    for (const [id, matched] of [
      [contractId!, 'contract'],
      ['ACC-PRO', 'account'],
      [number, 'invoice'],
    ] as const) {
      const answer = await get(`/api/timeline?id=${encodeURIComponent(id)}`);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        matched,
        accountId: 'ACC-PRO',
        contractIds: [contractId],
        dealIds: ['D-PRO'],
      });
      expect(answer.body.entries).toEqual(byDeal.body.entries);
    }
  });

  it('says where a rejected deal is stuck, with every reason and its field', async () => {
    await stack.postDeal(runningDeal('D-NOPE-2', 'ACC-NOPE-2', 'SEAT-NOPE'));
    const answer = await get('/api/timeline?id=D-NOPE-2');
    expect(answer.status).toBe(200);
    expect(answer.body.stuck).toMatchObject({
      stage: 'webhook',
      reason: 'deal D-NOPE-2 is rejected: lines.0.sku: unknown SKU SEAT-NOPE',
    });
    expect(answer.body.entries).toEqual([
      expect.objectContaining({
        stage: 'webhook',
        status: 'rejected',
        tone: 'stuck',
        reasons: [{ field: 'lines.0.sku', message: 'unknown SKU SEAT-NOPE' }],
      }),
    ]);
  });

  it('refuses a call without the operations token, a bad token, a missing id and an unknown one', async () => {
    const anonymous = await get('/api/timeline?id=D-PRO', {});
    expect(anonymous.status).toBe(401);
    expect(anonymous.type).toContain('application/problem+json');
    expect(anonymous.body.code).toBe('CONSOLE.CREDENTIAL_REQUIRED');
    // A wrong token is the services' to refuse: the console passes on their 401.
    const wrong = await get('/api/timeline?id=D-PRO', { authorization: `Bearer ${newAdminToken()}` });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('DEALS.ADMIN_TOKEN_REQUIRED');
    const proxied = await get('/api/deals/v1/deals?status=rejected', {});
    expect(proxied.status).toBe(401);
    expect(proxied.body.code).toBe('DEALS.ADMIN_TOKEN_REQUIRED');
    const noId = await get('/api/timeline');
    expect(noId.status).toBe(400);
    expect(noId.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'id' })]));
    const unknown = await get('/api/timeline?id=NOBODY');
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('CONSOLE.NOTHING_FOUND');
  });

  it('names the service that does not answer, and the one that answers too late', async () => {
    // invoicing as a server that takes requests and never answers; provisioning where nothing listens.
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const down = await startConsole({
      ...serviceUrls(),
      INVOICING_URL: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
      PROVISIONING_URL: `http://127.0.0.1:${await freePort()}`,
      // Long enough for the others to answer on a busy machine, short for a test.
      UPSTREAM_TIMEOUT_MS: '5000',
    });
    try {
      const timeline = await get('/api/timeline?id=D-PRO', bearer, down.baseUrl);
      expect(timeline.status).toBe(502);
      expect(timeline.body).toMatchObject({ code: 'CONSOLE.SERVICE_UNAVAILABLE', service: 'provisioning' });
      const refused = await get('/api/provisioning/v1/admin/dead-letters', bearer, down.baseUrl);
      expect(refused.status).toBe(502);
      expect(refused.body).toMatchObject({ status: 502, service: 'provisioning' });
      const late = await get('/api/invoicing/v1/invoices', bearer, down.baseUrl);
      expect(late.status).toBe(504);
      expect(late.body).toMatchObject({ status: 504, code: 'CONSOLE.SERVICE_TIMEOUT', service: 'invoicing' });
      // The pipeline shows what the others answered and names the two.
      const pipeline = await get('/api/pipeline', bearer, down.baseUrl);
      expect(pipeline.status).toBe(200);
      expect(pipeline.body.unavailable).toHaveLength(2);
      expect(pipeline.body.unavailable).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ service: 'provisioning', status: 502 }),
          expect.objectContaining({ service: 'invoicing', status: 504 }),
        ]),
      );
    } finally {
      await down.stop();
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('passes calls on: the body and status, a Location as a console path, a PDF as its bytes', async () => {
    const started = await fetch(`${gateway.baseUrl}/api/invoicing/v1/bill-runs`, {
      method: 'POST',
      headers: { ...bearer, 'content-type': 'application/json' },
      body: JSON.stringify({ asOf: '2026-12-01' }),
    });
    expect(started.status).toBe(202);
    const { billRunId } = (await started.json()) as { billRunId: string };
    expect(started.headers.get('location')).toBe(`/api/invoicing/v1/bill-runs/${billRunId}`);

    const home = await fetch(`${gateway.baseUrl}/`);
    expect(home.status).toBe(200);
    expect(home.headers.get('content-security-policy')).toBe("frame-ancestors 'none'");
    expect(home.headers.get('x-content-type-options')).toBe('nosniff');

    // A service's name written with escapes is still that service, and the rest stays a path of its origin.
    const escaped = await get('/api/d%65als/v1/deals?status=rejected');
    expect(escaped.status).toBe(200);

    const invoice = await get('/api/timeline?id=D-PRO');
    const documentId = invoice.body.entries!.find((entry) => entry.stage === 'invoice')!.ref!.id;
    const pdf = await fetch(`${gateway.baseUrl}/api/invoicing/v1/invoices/${documentId}/pdf`, {
      headers: bearer,
    });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toContain('application/pdf');
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString('latin1'),
    ).toBe('%PDF-');
  });

  it('refuses to start on a bad service URL, naming the variable', () => {
    const started = spawnSync(process.execPath, [join(__dirname, '..', '..', 'dist', 'main.js')], {
      env: { PATH: process.env.PATH, DEALS_URL: 'deals-at-3001' },
      encoding: 'utf8',
    });
    expect(started.status).toBe(1);
    expect(started.stderr).toContain('DEALS_URL');
  });
});
