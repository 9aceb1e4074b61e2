import { type ExecutionContext, ServiceUnavailableException, UnauthorizedException } from '@nestjs/common';
import { type CrmEnv } from '../config/crm-env.schema';
import {
  HubSpotSignatureGuard,
  verifyHubSpotSignature,
  type HubSpotSignedRequest,
} from './hubspot-signature.guard';

const SECRET = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';
const BODY = '{"example_field":"example_value"}';
const TIMESTAMP = 1768925112345;
// base64 HMAC-SHA256 with SECRET of the concatenation, computed with `openssl dgst -sha256 -hmac … -binary | base64`.
const SIGNED: HubSpotSignedRequest = {
  method: 'POST',
  url: 'https://o2c.example.com/v1/webhooks/hubspot/deals',
  body: BODY,
  timestamp: String(TIMESTAMP),
  signature: 'p8Eke+tHV4ADRyNRTdx/qG66XST2p2qNOa3nLgnBa7Q=',
};

describe(verifyHubSpotSignature.name, () => {
  it('accepts the v3 signature of method, URI, body and timestamp', () => {
    expect(verifyHubSpotSignature(SIGNED, [SECRET], TIMESTAMP + 1000)).toEqual({ valid: true });
  });

  it('accepts a signature by any of the secrets during a rotation', () => {
    expect(verifyHubSpotSignature(SIGNED, ['the-new-secret', SECRET], TIMESTAMP)).toEqual({ valid: true });
  });

  it('refuses a signature by another secret', () => {
    expect(verifyHubSpotSignature(SIGNED, ['another-secret'], TIMESTAMP)).toEqual({
      valid: false,
      reason: 'no signature matches',
    });
  });

  it('refuses a tampered body, method or URL', () => {
    for (const tampered of [
      { ...SIGNED, body: '{"example_field":"other_value"}' },
      { ...SIGNED, method: 'PUT' },
      { ...SIGNED, url: 'https://o2c.example.com/v1/webhooks/hubspot/deals?x=1' },
    ]) {
      expect(verifyHubSpotSignature(tampered, [SECRET], TIMESTAMP)).toEqual({
        valid: false,
        reason: 'no signature matches',
      });
    }
  });

  it('refuses a timestamp more than 5 minutes old or ahead, however well signed', () => {
    const fiveMinutes = 5 * 60_000;
    expect(verifyHubSpotSignature(SIGNED, [SECRET], TIMESTAMP + fiveMinutes)).toEqual({ valid: true });
    for (const now of [TIMESTAMP + fiveMinutes + 1, TIMESTAMP - fiveMinutes - 1]) {
      expect(verifyHubSpotSignature(SIGNED, [SECRET], now)).toEqual({
        valid: false,
        reason: 'X-HubSpot-Request-Timestamp is more than 5 minutes away from now',
      });
    }
  });

  it('decodes the URL-encoded characters HubSpot decodes before signing', () => {
    // Signed over ...?portal=62515&note=a:b (openssl, as above).
    const encoded = {
      ...SIGNED,
      url: 'https://o2c.example.com/v1/webhooks/hubspot/deals?portal=62515&note=a%3Ab',
      signature: 'pIfBOQJhsSahu7fepxMv2QQomnR+qNSqJiLPBCu1Xdk=',
    };
    expect(verifyHubSpotSignature(encoded, [SECRET], TIMESTAMP)).toEqual({ valid: true });
  });

  it('refuses a request without the headers', () => {
    expect(verifyHubSpotSignature({ ...SIGNED, signature: undefined }, [SECRET], TIMESTAMP)).toEqual({
      valid: false,
      reason: 'missing X-HubSpot-Signature-v3 or X-HubSpot-Request-Timestamp',
    });
    expect(
      verifyHubSpotSignature({ ...SIGNED, timestamp: '2026-01-20T16:05:12Z' }, [SECRET], TIMESTAMP),
    ).toEqual({
      valid: false,
      reason: 'X-HubSpot-Request-Timestamp must be Unix milliseconds',
    });
  });
});

describe(HubSpotSignatureGuard.name, () => {
  const env: CrmEnv = { HUBSPOT_CLIENT_SECRETS: SECRET, HUBSPOT_WEBHOOK_BASE_URL: 'https://o2c.example.com' };
  const clock = { now: () => new Date(TIMESTAMP + 2000) };

  function contextOf(body: string, headers: Record<string, string>): ExecutionContext {
    const request = {
      method: 'POST',
      originalUrl: '/v1/webhooks/hubspot/deals',
      rawBody: Buffer.from(body, 'utf8'),
      header: (name: string) => headers[name.toLowerCase()],
    };
    return { switchToHttp: () => ({ getRequest: () => request }) } as unknown as ExecutionContext;
  }

  const headers = {
    'x-hubspot-signature-v3': SIGNED.signature!,
    'x-hubspot-request-timestamp': String(TIMESTAMP),
  };

  it('lets a request signed for the configured public URL through', () => {
    const sut = new HubSpotSignatureGuard(env, clock);
    expect(sut.canActivate(contextOf(BODY, headers))).toBe(true);
  });

  it('answers 401 for a tampered body or a stale timestamp', () => {
    const sut = new HubSpotSignatureGuard(env, clock);
    expect(() => sut.canActivate(contextOf(`${BODY} `, headers))).toThrow(UnauthorizedException);
    const later = new HubSpotSignatureGuard(env, { now: () => new Date(TIMESTAMP + 10 * 60_000) });
    expect(() => later.canActivate(contextOf(BODY, headers))).toThrow(UnauthorizedException);
  });

  it('answers 503 when no client secret is configured', () => {
    const sut = new HubSpotSignatureGuard({}, clock);
    expect(() => sut.canActivate(contextOf(BODY, headers))).toThrow(ServiceUnavailableException);
  });
});
