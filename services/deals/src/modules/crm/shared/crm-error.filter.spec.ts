import { type ArgumentsHost } from '@nestjs/common';
import { CrmError, CrmErrorCode } from '../crm.errors';
import { CrmErrorFilter } from './crm-error.filter';

/** The status and problem+json body the filter answers `error` with. */
function answerTo(error: CrmError): { status?: number; type?: string; body: unknown } {
  const answer: { status?: number; type?: string; body?: string } = {};
  const response = {
    setHeader: () => response,
    status: (status: number) => ((answer.status = status), response),
    type: (type: string) => ((answer.type = type), response),
    send: (body: string) => ((answer.body = body), response),
  };
  const host = {
    getType: () => 'http',
    switchToHttp: () => ({
      getRequest: () => ({ originalUrl: '/v1/webhooks/hubspot/deals' }),
      getResponse: () => response,
    }),
  } as unknown as ArgumentsHost;
  new CrmErrorFilter().catch(error, host);
  return { status: answer.status, type: answer.type, body: JSON.parse(answer.body!) as unknown };
}

const instance = '/v1/webhooks/hubspot/deals';

describe(CrmErrorFilter.name, () => {
  it('answers a body that is not JSON as a 400 invalid request', () => {
    expect(
      answerTo(new CrmError(CrmErrorCode.InvalidPayload, 'the body is not JSON: x', {}, 'Invalid request')),
    ).toEqual({
      status: 400,
      type: 'application/problem+json',
      body: {
        type: 'about:blank',
        title: 'Invalid request',
        status: 400,
        detail: 'the body is not JSON: x',
        code: 'DEALS.CRM_PAYLOAD_INVALID',
        instance,
      },
    });
  });

  it('answers malformed CRM records as a 400 with every problem by its CRM path', () => {
    const errors = [{ path: 'deal.properties.amount', message: 'amount must be a decimal' }];
    expect(answerTo(new CrmError(CrmErrorCode.InvalidPayload, '1 problem', { errors })).body).toEqual({
      type: 'about:blank',
      title: 'Invalid CRM payload',
      status: 400,
      detail: '1 problem',
      code: 'DEALS.CRM_PAYLOAD_INVALID',
      errors,
      instance,
    });
  });

  it('answers a deal it cannot map, and a mapped deal that breaks a canonical rule, as 422s', () => {
    const errors = [{ path: 'deal.properties.dealstage', message: 'the deal is not closed won' }];
    expect(answerTo(new CrmError(CrmErrorCode.Unmappable, '1 problem', { errors }))).toMatchObject({
      status: 422,
      body: { title: 'CRM deal cannot be mapped', code: 'DEALS.CRM_DEAL_UNMAPPABLE', errors },
    });
    expect(
      answerTo(new CrmError(CrmErrorCode.MappedDealInvalid, 'it breaks 1 rule', { errors })),
    ).toMatchObject({
      status: 422,
      body: {
        title: 'Mapped deal is invalid',
        detail: 'it breaks 1 rule',
        code: 'DEALS.CRM_MAPPED_DEAL_INVALID',
      },
    });
  });
});
