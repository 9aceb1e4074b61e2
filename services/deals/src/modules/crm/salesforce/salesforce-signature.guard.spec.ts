import { type ExecutionContext, ServiceUnavailableException, UnauthorizedException } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { SalesforceSignatureGuard } from './salesforce-signature.guard';

const SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const OTHER_SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const BODY = '{"attributes":{"type":"Opportunity"},"Id":"006Ax00000Q1abcIAB","Amount":423600.00}';

function signed(
  body: string,
  options: { secret?: string; at?: Date; sentBody?: string; contentType?: string } = {},
): ExecutionContext {
  const at = options.at ?? new Date();
  const id = 'msg_006Ax00000Q1abcIAB_191088312';
  const headers: Record<string, string> = {
    'content-type': options.contentType ?? 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(options.secret ?? SECRET).sign(id, at, body),
  };
  const request = {
    rawBody: Buffer.from(options.sentBody ?? body, 'utf8'),
    header: (name: string) => headers[name.toLowerCase()],
  };
  return { switchToHttp: () => ({ getRequest: () => request }) } as unknown as ExecutionContext;
}

describe(SalesforceSignatureGuard.name, () => {
  const sut = new SalesforceSignatureGuard({ SALESFORCE_WEBHOOK_SECRETS: SECRET });

  it('lets an opportunity signed with the secret through', () => {
    expect(sut.canActivate(signed(BODY))).toBe(true);
  });

  it('accepts any of the configured secrets during a rotation', () => {
    const rotating = new SalesforceSignatureGuard({
      SALESFORCE_WEBHOOK_SECRETS: `${OTHER_SECRET} ${SECRET}`,
    });
    expect(rotating.canActivate(signed(BODY))).toBe(true);
  });

  it('answers 401 for another secret, a tampered body or a stale timestamp', () => {
    expect(() => sut.canActivate(signed(BODY, { secret: OTHER_SECRET }))).toThrow(
      new UnauthorizedException('no signature matches'),
    );
    expect(() => sut.canActivate(signed(BODY, { sentBody: BODY.replace('423600.00', '1.00') }))).toThrow(
      new UnauthorizedException('no signature matches'),
    );
    expect(() => sut.canActivate(signed(BODY, { at: new Date(Date.now() - 6 * 60_000) }))).toThrow(
      UnauthorizedException,
    );
  });

  it('answers 401 naming missing headers', () => {
    const request = { rawBody: Buffer.from(BODY), header: () => undefined };
    const context = { switchToHttp: () => ({ getRequest: () => request }) } as unknown as ExecutionContext;
    expect(() => sut.canActivate(context)).toThrow(
      new UnauthorizedException('missing webhook-id, webhook-timestamp, webhook-signature'),
    );
  });

  it('answers 503 when no secret is configured', () => {
    expect(() => new SalesforceSignatureGuard({}).canActivate(signed(BODY))).toThrow(
      ServiceUnavailableException,
    );
  });
});
