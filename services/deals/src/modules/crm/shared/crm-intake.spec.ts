import { type Response } from 'express';
import {
  type AcceptWebhookDeal,
  type WebhookDealResult,
} from '../../deals/usecases/accept-deal/accept-deal.command';
import { type AcceptDealHandler } from '../../deals/usecases/accept-deal/accept-deal.handler';
import { crmFixtureText } from '../../../../test/fixtures/crm/crm-fixtures';
import { DealsError } from '../../deals/domain/deals.errors';
import { CrmError } from '../crm.errors';
import { mapHubSpotDeal } from '../hubspot/hubspot-deal.mapper';
import { CrmIntake } from './crm-intake';

function intakeAnswering(result: WebhookDealResult) {
  const execute = jest.fn().mockResolvedValue(result);
  const response = { status: jest.fn() };
  const sut = new CrmIntake({ execute } as unknown as AcceptDealHandler);
  return { sut, execute, response, res: response as unknown as Response };
}

const accepted: WebhookDealResult = {
  outcome: 'decided',
  deal: { dealId: '18273645190', revision: 191088312, status: 'accepted', contractId: 'c-1', problems: [] },
};
const body = () => Buffer.from(crmFixtureText('hubspot/closed-won-deal.json'), 'utf8');

describe(CrmIntake.name, () => {
  it('hands the mapped canonical deal to the intake and answers 202 as the canonical webhook does', async () => {
    const { sut, execute, response, res } = intakeAnswering(accepted);
    await expect(sut.receive(body(), mapHubSpotDeal, res)).resolves.toEqual({
      dealId: '18273645190',
      status: 'accepted',
      contractId: 'c-1',
    });
    expect(response.status).toHaveBeenCalledWith(202);
    const [command] = execute.mock.calls[0] as [AcceptWebhookDeal];
    expect(command.source).toBe('webhook');
    expect(command.deal).toMatchObject({ id: '18273645190', revision: 191088312, currency: 'EUR' });
  });

  it('answers the same deal and revision again with 200', async () => {
    const { sut, response, res } = intakeAnswering({ ...accepted, outcome: 'duplicate' });
    await sut.receive(body(), mapHubSpotDeal, res);
    expect(response.status).toHaveBeenCalledWith(200);
  });

  it.each([['the first time', 'decided'] as const, ['again', 'duplicate'] as const])(
    'answers a deal intake rejects %s with the canonical webhook’s 422 problem',
    async (_when, outcome) => {
      const { sut, response, res } = intakeAnswering({
        outcome,
        deal: {
          ...accepted.deal,
          status: 'rejected',
          contractId: null,
          problems: [{ path: 'lines.0.sku', message: 'unknown SKU SEAT-PRO' }],
        },
      });
      const failure = sut.receive(body(), mapHubSpotDeal, res);
      await expect(failure).rejects.toThrow(DealsError);
      await expect(failure).rejects.toMatchObject({
        code: 'DEALS.NOT_BILLABLE',
        extensions: {
          dealId: '18273645190',
          reasons: ['lines.0.sku: unknown SKU SEAT-PRO'],
          errors: [{ path: 'deal.lines.0.sku', message: 'unknown SKU SEAT-PRO' }],
        },
      });
      expect(response.status).not.toHaveBeenCalled();
    },
  );

  it('refuses a body that is not JSON, or none, as an invalid payload (400), without reaching the intake', async () => {
    const { sut, execute, res } = intakeAnswering(accepted);
    const notJson = sut.receive(Buffer.from('{"deal":'), mapHubSpotDeal, res);
    await expect(notJson).rejects.toThrow(CrmError);
    await expect(notJson).rejects.toMatchObject({
      code: 'DEALS.CRM_PAYLOAD_INVALID',
      title: 'Invalid request',
      message: expect.stringMatching(/^the body is not JSON: /) as unknown,
    });
    await expect(sut.receive(undefined, mapHubSpotDeal, res)).rejects.toMatchObject({
      code: 'DEALS.CRM_PAYLOAD_INVALID',
      title: 'Invalid request',
      message: 'the body must be JSON sent with Content-Type: application/json',
    });
    expect(execute).not.toHaveBeenCalled();
  });

  it('refuses a deal it cannot map as unmappable (422), with the CRM paths', async () => {
    const { sut, execute, res } = intakeAnswering(accepted);
    const notWon = crmFixtureText('hubspot/closed-won-deal.json')
      .replace('"closedwon"', '"contractsent"')
      .replace('"hs_is_closed_won": "true"', '"hs_is_closed_won": "false"');
    const failure = sut.receive(Buffer.from(notWon), mapHubSpotDeal, res);
    await expect(failure).rejects.toThrow(CrmError);
    await expect(failure).rejects.toMatchObject({
      code: 'DEALS.CRM_DEAL_UNMAPPABLE',
      extensions: { errors: [{ path: 'deal.properties.dealstage' }] },
    });
    expect(execute).not.toHaveBeenCalled();
  });

  it('refuses a mapped deal that breaks a canonical rule (422)', async () => {
    const { sut, execute, res } = intakeAnswering(accepted);
    const badEmail = crmFixtureText('hubspot/closed-won-deal.json').replace(
      'ap@acme.example',
      'accounts payable',
    );
    await expect(sut.receive(Buffer.from(badEmail), mapHubSpotDeal, res)).rejects.toMatchObject({
      code: 'DEALS.CRM_MAPPED_DEAL_INVALID',
      extensions: {
        errors: [{ path: 'deal.account.billingEmail', message: 'billingEmail must be an email' }],
      },
    });
    expect(execute).not.toHaveBeenCalled();
  });
});
