import { type ArgumentsHost, Catch, HttpStatus } from '@nestjs/common';
import { type CodedError, CodedErrorFilter } from './coded-error.filter';

enum ShopErrorCode {
  OrderNotFound = 'SHOP.ORDER_NOT_FOUND',
  TokenRequired = 'SHOP.TOKEN_REQUIRED',
}

class ShopError extends Error implements CodedError<ShopErrorCode> {
  constructor(
    readonly code: ShopErrorCode,
    message: string,
    readonly extensions: Readonly<Record<string, unknown>> = {},
    readonly title?: string,
  ) {
    super(message);
  }
}

@Catch(ShopError)
class ShopErrorFilter extends CodedErrorFilter<ShopErrorCode> {
  constructor() {
    super({
      [ShopErrorCode.OrderNotFound]: { status: HttpStatus.NOT_FOUND, title: 'Order not found' },
      [ShopErrorCode.TokenRequired]: {
        status: HttpStatus.UNAUTHORIZED,
        title: 'Token required',
        headers: { 'WWW-Authenticate': 'Bearer realm="shop"' },
      },
    });
  }
}

interface Answer {
  status?: number;
  type?: string;
  body?: string;
  headers: Record<string, string>;
}

function answerTo(error: ShopError): Answer {
  const answer: Answer = { headers: {} };
  const response = {
    setHeader: (name: string, value: string) => (answer.headers[name] = value),
    status: (status: number) => ((answer.status = status), response),
    type: (type: string) => ((answer.type = type), response),
    send: (body: string) => ((answer.body = body), response),
  };
  const host = {
    getType: () => 'http',
    switchToHttp: () => ({
      getRequest: () => ({ originalUrl: '/v1/orders/o-1' }),
      getResponse: () => response,
    }),
  } as unknown as ArgumentsHost;
  new ShopErrorFilter().catch(error, host);
  return answer;
}

describe(CodedErrorFilter.name, () => {
  it("answers a code with its status and title, the message as detail and the error's extensions", () => {
    const sut = answerTo(
      new ShopError(ShopErrorCode.OrderNotFound, 'no order o-1', { orderId: 'o-1', title: 'ignored' }),
    );
    expect(sut).toEqual({
      status: 404,
      type: 'application/problem+json',
      body: '{"type":"about:blank","title":"Order not found","status":404,"detail":"no order o-1","code":"SHOP.ORDER_NOT_FOUND","orderId":"o-1","instance":"/v1/orders/o-1"}',
      headers: {},
    });
  });

  it('sets the headers of the code', () => {
    const sut = answerTo(new ShopError(ShopErrorCode.TokenRequired, 'a bearer token is required'));
    expect(sut.status).toBe(401);
    expect(sut.headers).toEqual({ 'WWW-Authenticate': 'Bearer realm="shop"' });
    expect(JSON.parse(sut.body!)).toMatchObject({ title: 'Token required', code: 'SHOP.TOKEN_REQUIRED' });
  });

  it("answers with the error's own title in place of its code's, the rest as for the code", () => {
    const sut = answerTo(new ShopError(ShopErrorCode.OrderNotFound, 'no order o-2', {}, 'Order withdrawn'));
    expect(sut.status).toBe(404);
    expect(JSON.parse(sut.body!)).toEqual({
      type: 'about:blank',
      title: 'Order withdrawn',
      status: 404,
      detail: 'no order o-2',
      code: 'SHOP.ORDER_NOT_FOUND',
      instance: '/v1/orders/o-1',
    });
  });
});
