import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { type Request } from 'express';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { CLOCK, type Clock } from '@o2c/clock';
import { CRM_ENV, type CrmEnv } from '../config/crm-env.schema';
import { CrmErrorCode } from '../crm.errors';

/** HubSpot asks to refuse requests whose X-HubSpot-Request-Timestamp is older than this. */
export const HUBSPOT_MAX_AGE_MILLIS = 5 * 60_000;

// The URL-encoded characters HubSpot decodes in the URI before signing (its request validation guide).
const DECODED: Readonly<Record<string, string>> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
};

export interface HubSpotSignedRequest {
  readonly method: string;
  /** The full URL HubSpot called: `https://o2c.example.com/v1/webhooks/hubspot/deals`. */
  readonly url: string;
  /** The raw body as received. */
  readonly body: string;
  /** X-HubSpot-Signature-v3. */
  readonly signature: string | undefined;
  /** X-HubSpot-Request-Timestamp: Unix milliseconds. */
  readonly timestamp: string | undefined;
}

/** Base64 HMAC-SHA256, keyed with the app's client secret, of `method + uri + body + timestamp` (signature v3). */
export function hubSpotSignatureV3(
  clientSecret: string,
  request: Omit<HubSpotSignedRequest, 'signature' | 'timestamp'> & { timestamp: string },
): string {
  const uri = request.url.replace(
    /%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi,
    (m) => DECODED[m.toUpperCase()]!,
  );
  return createHmac('sha256', clientSecret)
    .update(`${request.method.toUpperCase()}${uri}${request.body}${request.timestamp}`, 'utf8')
    .digest('base64');
}

export type SignatureCheck = { readonly valid: true } | { readonly valid: false; readonly reason: string };

/**
 * HubSpot's v3 request signature, checked against each secret (two during a rotation), with the
 * timestamp at most 5 minutes away from `nowMillis`. Written here because HubSpot ships no
 * verifier but its whole API client, whose check neither decodes the URI nor compares in constant time.
 */
export function verifyHubSpotSignature(
  request: HubSpotSignedRequest,
  secrets: readonly string[],
  nowMillis: number,
): SignatureCheck {
  const { signature, timestamp } = request;
  if (!signature || !timestamp) {
    return { valid: false, reason: 'missing X-HubSpot-Signature-v3 or X-HubSpot-Request-Timestamp' };
  }
  if (!/^\d{1,15}$/.test(timestamp)) {
    return { valid: false, reason: 'X-HubSpot-Request-Timestamp must be Unix milliseconds' };
  }
  if (Math.abs(nowMillis - Number(timestamp)) > HUBSPOT_MAX_AGE_MILLIS) {
    return { valid: false, reason: 'X-HubSpot-Request-Timestamp is more than 5 minutes away from now' };
  }
  const given = Buffer.from(signature, 'utf8');
  const matches = secrets.some((secret) => {
    const expected = Buffer.from(hubSpotSignatureV3(secret, { ...request, timestamp }), 'utf8');
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
  return matches ? { valid: true } : { valid: false, reason: 'no signature matches' };
}

/** Checks HubSpot's v3 signature before anything reads the body: an unsigned request learns nothing. */
@Injectable()
export class HubSpotSignatureGuard implements CanActivate {
  private readonly secrets: readonly string[];
  private readonly baseUrl: string | undefined;

  constructor(
    @Inject(CRM_ENV) env: CrmEnv,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.secrets = env.HUBSPOT_CLIENT_SECRETS?.split(' ') ?? [];
    this.baseUrl = env.HUBSPOT_WEBHOOK_BASE_URL;
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.secrets.length === 0 || this.baseUrl === undefined) {
      throw new ServiceUnavailableException({
        title: 'HubSpot adapter not configured',
        detail: 'HUBSPOT_CLIENT_SECRETS and HUBSPOT_WEBHOOK_BASE_URL are not set',
        code: CrmErrorCode.NotConfigured,
      });
    }
    const request = context.switchToHttp().getRequest<Request & { rawBody?: Buffer }>();
    const check = verifyHubSpotSignature(
      {
        method: request.method,
        url: `${this.baseUrl}${request.originalUrl}`,
        body: request.rawBody?.toString('utf8') ?? '',
        signature: request.header('x-hubspot-signature-v3'),
        timestamp: request.header('x-hubspot-request-timestamp'),
      },
      this.secrets,
      this.clock.now().getTime(),
    );
    if (!check.valid) throw new UnauthorizedException(check.reason);
    return true;
  }
}
