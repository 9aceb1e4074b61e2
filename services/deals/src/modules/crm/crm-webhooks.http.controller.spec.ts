import { type INestApplication, type LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { CLOCK } from '@o2c/clock';
import { ProblemDetailsFilter, validationPipe } from '@o2c/platform';
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import request from 'supertest';
import { crmFixtureText } from '../../../test/fixtures/crm/crm-fixtures';
import { type WebhookDealResult } from '../deals/usecases/accept-deal/accept-deal.command';
import { AcceptDealHandler } from '../deals/usecases/accept-deal/accept-deal.handler';
import { CRM_ENV, type CrmEnv } from './config/crm-env.schema';
import { HubSpotDealHttpController } from './hubspot/hubspot-deal.http.controller';
import { hubSpotSignatureV3, HubSpotSignatureGuard } from './hubspot/hubspot-signature.guard';
import { SalesforceOpportunityHttpController } from './salesforce/salesforce-opportunity.http.controller';
import { SalesforceSignatureGuard } from './salesforce/salesforce-signature.guard';
import { CrmIntake } from './shared/crm-intake';

// Auth and validation of the two CRM webhooks over HTTP, as main.ts sets the app up (raw body,
// problem+json); the intake itself is a stub here and has its own integration tests.
const HUBSPOT_SECRET = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';
const SALESFORCE_SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const NOW = Date.UTC(2026, 0, 20, 16, 6, 0);
const env: CrmEnv = {
  HUBSPOT_CLIENT_SECRETS: HUBSPOT_SECRET,
  HUBSPOT_WEBHOOK_BASE_URL: 'https://o2c.example.com',
  SALESFORCE_WEBHOOK_SECRETS: SALESFORCE_SECRET,
};
const accepted: WebhookDealResult = {
  outcome: 'decided',
  deal: { dealId: 'd-1', revision: 1, status: 'accepted', contractId: 'c-1', problems: [] },
};
const silent: LoggerService = { log: () => undefined, error: () => undefined, warn: () => undefined };

let sut: INestApplication;
const execute = jest.fn<Promise<WebhookDealResult>, [unknown]>();

beforeAll(async () => {
  const moduleRef = await Test.createTestingModule({
    controllers: [HubSpotDealHttpController, SalesforceOpportunityHttpController],
    providers: [
      { provide: CRM_ENV, useValue: env },
      { provide: CLOCK, useValue: { now: () => new Date(NOW) } },
      { provide: AcceptDealHandler, useValue: { execute } },
      CrmIntake,
      HubSpotSignatureGuard,
      SalesforceSignatureGuard,
    ],
  }).compile();
  sut = moduleRef.createNestApplication({ rawBody: true, bodyParser: true, logger: false });
  sut.useGlobalPipes(validationPipe());
  sut.useGlobalFilters(new ProblemDetailsFilter(silent));
  await sut.init();
});

afterAll(() => sut.close());

beforeEach(() => execute.mockReset().mockResolvedValue(accepted));

function postHubSpot(body: string, signedBody = body) {
  const timestamp = String(NOW - 1000);
  const url = 'https://o2c.example.com/v1/webhooks/hubspot/deals';
  return request(sut.getHttpServer() as Parameters<typeof request>[0])
    .post('/v1/webhooks/hubspot/deals')
    .set('content-type', 'application/json')
    .set('x-hubspot-request-timestamp', timestamp)
    .set(
      'x-hubspot-signature-v3',
      hubSpotSignatureV3(HUBSPOT_SECRET, { method: 'POST', url, body: signedBody, timestamp }),
    )
    .send(body);
}

function postSalesforce(body: string) {
  const at = new Date();
  const id = 'msg_006Ax00000Q1abcIAB';
  return request(sut.getHttpServer() as Parameters<typeof request>[0])
    .post('/v1/webhooks/salesforce/opportunities')
    .set('content-type', 'application/json')
    .set('webhook-id', id)
    .set('webhook-timestamp', String(Math.floor(at.getTime() / 1000)))
    .set('webhook-signature', new Webhook(SALESFORCE_SECRET).sign(id, at, body))
    .send(body);
}

describe('POST /v1/webhooks/hubspot/deals', () => {
  it('takes a signed HubSpot deal in and answers 202 with the intake reply', async () => {
    const response = await postHubSpot(crmFixtureText('hubspot/closed-won-deal.json'));
    expect(response.status).toBe(202);
    expect(response.body).toEqual({ dealId: 'd-1', status: 'accepted', contractId: 'c-1' });
    expect(execute).toHaveBeenCalledTimes(1);
  });

  it('answers 401 problem+json when the body is not the one signed', async () => {
    const body = crmFixtureText('hubspot/closed-won-deal.json');
    const response = await postHubSpot(body.replace('"50"', '"500"'), body);
    expect(response.status).toBe(401);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(execute).not.toHaveBeenCalled();
  });

  it('answers a deal intake rejects, and its repeat, with the canonical webhook’s 422 problem', async () => {
    for (const outcome of ['decided', 'duplicate'] as const) {
      execute.mockResolvedValueOnce({
        outcome,
        deal: {
          ...accepted.deal,
          status: 'rejected',
          contractId: null,
          problems: [{ path: 'lines.0.sku', message: 'unknown SKU SEAT-PRO' }],
        },
      });
      const response = await postHubSpot(crmFixtureText('hubspot/closed-won-deal.json'));
      expect(response.status).toBe(422);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(response.text)).toMatchObject({
        status: 422,
        title: 'Deal not billable',
        code: 'DEALS.NOT_BILLABLE',
        dealId: 'd-1',
        reasons: ['lines.0.sku: unknown SKU SEAT-PRO'],
        errors: [{ path: 'deal.lines.0.sku', message: 'unknown SKU SEAT-PRO' }],
      });
    }
  });

  it('answers 422 problem+json with the HubSpot paths of what cannot be mapped', async () => {
    const response = await postHubSpot(crmFixtureText('hubspot/contract-sent-deal-with-weekly-line.json'));
    expect(response.status).toBe(422);
    expect(JSON.parse(response.text)).toMatchObject({
      status: 422,
      code: 'DEALS.CRM_DEAL_UNMAPPABLE',
      errors: [
        { path: 'deal.properties.dealstage' },
        { path: 'lineItems[2].properties.recurringbillingfrequency' },
      ],
    });
    expect(execute).not.toHaveBeenCalled();
  });
});

describe('POST /v1/webhooks/salesforce/opportunities', () => {
  it('takes a signed Opportunity in, money kept exact, and answers 202', async () => {
    const response = await postSalesforce(crmFixtureText('salesforce/closed-won-opportunity.json'));
    expect(response.status).toBe(202);
    const [command] = execute.mock.calls[0] as [{ deal: { lines: { unitPrice?: string }[] } }];
    expect(command.deal.lines.map((l) => l.unitPrice)).toEqual(['360.00', '5000.00', undefined]);
  });

  it('answers 400 problem+json for what is not an Opportunity', async () => {
    const response = await postSalesforce('{"attributes":{"type":"Account"},"Id":"001Ax00000A1bcdIAB"}');
    expect(response.status).toBe(400);
    expect(JSON.parse(response.text)).toMatchObject({ status: 400, code: 'DEALS.CRM_PAYLOAD_INVALID' });
  });

  it('answers 401 for a request signed with another secret', async () => {
    const body = crmFixtureText('salesforce/closed-won-opportunity.json');
    const at = new Date();
    const response = await request(sut.getHttpServer() as Parameters<typeof request>[0])
      .post('/v1/webhooks/salesforce/opportunities')
      .set('content-type', 'application/json')
      .set('webhook-id', 'msg_1')
      .set('webhook-timestamp', String(Math.floor(at.getTime() / 1000)))
      .set(
        'webhook-signature',
        new Webhook(`whsec_${randomBytes(24).toString('base64')}`).sign('msg_1', at, body),
      )
      .send(body);
    expect(response.status).toBe(401);
  });
});

describe('the CRM webhooks in the OpenAPI document', () => {
  it('are described under "webhooks" with their signature headers, body and every answer', () => {
    const document = SwaggerModule.createDocument(
      sut,
      new DocumentBuilder().setOpenAPIVersion('3.1.0').build(),
    );
    const operations = Object.entries(document.paths).map(([path, item]) => {
      const op = item.post!;
      return [
        path,
        op.tags,
        Object.keys(op.responses).sort().join(' '),
        (op.parameters as { in: string; name: string }[]).map((p) => `${p.in} ${p.name}`).sort(),
        Boolean(op.summary && op.requestBody),
      ];
    });
    expect(operations.sort()).toEqual([
      [
        '/v1/webhooks/hubspot/deals',
        ['webhooks'],
        '200 202 400 401 413 422 429 503',
        ['header X-HubSpot-Request-Timestamp', 'header X-HubSpot-Signature-v3'],
        true,
      ],
      [
        '/v1/webhooks/salesforce/opportunities',
        ['webhooks'],
        '200 202 400 401 413 422 429 503',
        ['header webhook-id', 'header webhook-signature', 'header webhook-timestamp'],
        true,
      ],
    ]);
  });
});

describe('a body that is not JSON', () => {
  it('is a 400 naming the body at the Salesforce webhook, signed or not, and reaches no intake', async () => {
    const form = 'Id=006Ax00000Q1abcIAB&StageName=Closed+Won';
    const at = new Date();
    const signed = await request(sut.getHttpServer() as Parameters<typeof request>[0])
      .post('/v1/webhooks/salesforce/opportunities')
      .set('content-type', 'application/x-www-form-urlencoded')
      .set('webhook-id', 'msg_form')
      .set('webhook-timestamp', String(Math.floor(at.getTime() / 1000)))
      .set('webhook-signature', new Webhook(SALESFORCE_SECRET).sign('msg_form', at, form))
      .send(form);
    expect(signed.status).toBe(400);
    expect(JSON.parse(signed.text)).toMatchObject({
      status: 400,
      code: 'DEALS.CRM_PAYLOAD_INVALID',
      errors: [{ path: 'body' }],
    });
    // Sent as JSON, cut short: the body parser refuses it before the signature is checked.
    const truncated = '{"attributes":{"type":"Opportunity"},"Id":"006Ax';
    const cut = await postSalesforce(truncated);
    expect(cut.status).toBe(400);
    expect(execute).not.toHaveBeenCalled();
  });

  it('is a 400 at the HubSpot webhook', async () => {
    const response = await postHubSpot('{"deal":');
    expect(response.status).toBe(400);
    expect(execute).not.toHaveBeenCalled();
  });
});
