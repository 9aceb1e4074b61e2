import { BadRequestException, UnauthorizedException } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { type SignedRequest, StandardWebhookVerifier } from './standard-webhook-verifier';

const SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const FORM = 'type=deal.closed_won&deal%5Bid%5D=006-1&deal%5Brevision%5D=1';

/** A request as Express hands it over: the headers, and the raw body only for the media types it reads. */
function request(
  body: string | undefined,
  options: { contentType?: string; signedBody?: string; secret?: string; at?: Date } = {},
): SignedRequest {
  const at = options.at ?? new Date();
  const id = 'msg_2p1d3Yf4';
  const headers: Record<string, string | undefined> = {
    'content-type': options.contentType ?? 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(options.secret ?? SECRET).sign(id, at, options.signedBody ?? body ?? ''),
  };
  return {
    rawBody: body === undefined ? undefined : Buffer.from(body, 'utf8'),
    header: (name: string) => headers[name.toLowerCase()],
  } as unknown as SignedRequest;
}

function problemOf(verify: () => void): { status: number; body: unknown } {
  try {
    verify();
  } catch (error) {
    if (error instanceof BadRequestException || error instanceof UnauthorizedException) {
      return { status: error.getStatus(), body: error.getResponse() };
    }
    throw error;
  }
  throw new Error('expected the request to be refused');
}

describe(StandardWebhookVerifier.name, () => {
  const sut = new StandardWebhookVerifier([SECRET]);

  it('passes a signed JSON body', () => {
    expect(() => sut.verify(request('{"type":"deal.closed_won"}'))).not.toThrow();
    expect(() =>
      sut.verify(request('{"a":1}', { contentType: 'application/json; charset=utf-8' })),
    ).not.toThrow();
  });

  it('passes the known-answer vector of the Standard Webhooks specification, and only it', () => {
    jest.useFakeTimers({ now: 1614265330 * 1000 });
    try {
      const vector = new StandardWebhookVerifier(['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw']);
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
        'webhook-timestamp': '1614265330',
        'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
      };
      const signed = (body: string) =>
        ({ rawBody: Buffer.from(body), header: (name: string) => headers[name] }) as unknown as SignedRequest;
      expect(() => vector.verify(signed('{"test": 2432232314}'))).not.toThrow();
      expect(() => vector.verify(signed('{"test": 2432232315}'))).toThrow(UnauthorizedException);
    } finally {
      jest.useRealTimers();
    }
  });

  it('answers 400 naming the body for a correctly signed body that is not JSON, where the library threw', () => {
    // A form-encoded body: Express keeps its raw bytes, so its signature matches.
    expect(problemOf(() => sut.verify(request(FORM)))).toEqual({
      status: 400,
      body: {
        title: 'Invalid request',
        detail: expect.stringMatching(/^the request body is not JSON: /) as unknown,
        errors: [{ path: 'body', message: expect.stringMatching(/^is not JSON: /) as unknown }],
      },
    });
    // Truncated JSON, and an empty body.
    expect(problemOf(() => sut.verify(request('{"type":"deal.closed_won","deal":{')))).toMatchObject({
      status: 400,
      body: { errors: [{ path: 'body' }] },
    });
    expect(problemOf(() => sut.verify(request('')))).toMatchObject({
      status: 400,
      body: { detail: 'the request body is empty: it must be JSON' },
    });
  });

  it('answers 400 naming the body and its media type for a body not sent as JSON, signed or not', () => {
    const expected = {
      status: 400,
      body: {
        title: 'Invalid request',
        detail:
          'the request body must be JSON sent with Content-Type: application/json; it was sent as application/x-www-form-urlencoded',
        errors: [
          {
            path: 'body',
            message:
              'must be JSON sent with Content-Type: application/json; it was sent as application/x-www-form-urlencoded',
          },
        ],
      },
    };
    const form = { contentType: 'application/x-www-form-urlencoded' };
    expect(problemOf(() => sut.verify(request(FORM, form)))).toEqual(expected);
    expect(problemOf(() => sut.verify(request(FORM, { ...form, signedBody: 'other' })))).toEqual(expected);
    // A media type Express does not read leaves no raw body: its signature could not be checked.
    expect(
      problemOf(() => sut.verify(request(undefined, { contentType: 'text/plain', signedBody: '{}' }))),
    ).toMatchObject({ status: 400, body: { errors: [{ path: 'body' }] } });
  });

  it('checks the signature before it reads a JSON-typed body: an unsigned one gets 401, not 400', () => {
    expect(problemOf(() => sut.verify(request(FORM, { signedBody: 'something else' })))).toMatchObject({
      status: 401,
    });
  });

  it('gives the 400 the code its endpoint asks for', () => {
    const coded = new StandardWebhookVerifier([SECRET], { invalidBodyCode: 'DEALS.CRM_PAYLOAD_INVALID' });
    expect(problemOf(() => coded.verify(request(FORM)))).toMatchObject({
      status: 400,
      body: { code: 'DEALS.CRM_PAYLOAD_INVALID' },
    });
  });
});
