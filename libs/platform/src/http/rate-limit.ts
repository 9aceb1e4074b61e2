import { type ExecutionContext, HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail, type ThrottlerModuleOptions } from '@nestjs/throttler';
import { type Request, type Response } from 'express';
import { ADMIN_TOKEN_SETTINGS, type AdminTokenSettings } from './admin-token.guard';

/** The limits of `ServiceEnv`: requests a minute per client address and service instance; 0 turns one off. */
export interface RateLimits {
  readonly webhooksPerMinute: number;
  readonly apiPerMinute: number;
}

const MINUTE_MS = 60_000;
const WEBHOOKS = /^\/v1\/webhooks\//;
/** Probes and scrapes: an orchestrator or Prometheus calling often must never be refused. */
const UNLIMITED = /^\/(health\/|metrics$)/;

const pathOf = (context: ExecutionContext): string | undefined =>
  context.getType() === 'http' ? context.switchToHttp().getRequest<Request>().path : undefined;

/**
 * Two limits, each per client address (per instance of the service, in memory): the CRM webhooks, and every other
 * route of the API (operations endpoints, catalog reads, licence checks). Health and metrics are never limited,
 * Kafka handlers are not HTTP.
 */
export function rateLimitOptions(limits: RateLimits): ThrottlerModuleOptions {
  return {
    // One count per limit and client, whatever the route (the default counts each route on its own).
    generateKey: (_context, tracker, name) => `${name}:${tracker}`,
    // Only Retry-After, on a refusal (set by the guard); not a header per limit on every answer.
    setHeaders: false,
    throttlers: [
      {
        name: 'webhooks',
        ttl: MINUTE_MS,
        limit: Math.max(limits.webhooksPerMinute, 1),
        skipIf: (context) => {
          const path = pathOf(context);
          return limits.webhooksPerMinute === 0 || path === undefined || !WEBHOOKS.test(path);
        },
      },
      {
        name: 'api',
        ttl: MINUTE_MS,
        limit: Math.max(limits.apiPerMinute, 1),
        skipIf: (context) => {
          const path = pathOf(context);
          return (
            limits.apiPerMinute === 0 || path === undefined || WEBHOOKS.test(path) || UNLIMITED.test(path)
          );
        },
      },
    ],
  };
}

/**
 * `@nestjs/throttler`'s guard answering as every o2c error does: a 429 problem+json with the code
 * `<SERVICE>.RATE_LIMITED`, the limit it hit in words, and `Retry-After` (seconds). Registered globally by
 * `ServiceCoreModule`, so it runs before any route's own guards: a client guessing keys is limited too.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  /** For the service's name (the problem's code); a property, as the parent's constructor takes its own. */
  @Inject(ADMIN_TOKEN_SETTINGS) private readonly settings!: AdminTokenSettings;

  /** Kafka handlers go through global guards too: they are not requests of a client. */
  protected override shouldSkip(context: ExecutionContext): Promise<boolean> {
    return Promise.resolve(context.getType() !== 'http');
  }

  protected override throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const service = this.settings.service.toUpperCase();
    context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(detail.timeToBlockExpire));
    throw new HttpException(
      {
        title: 'Too Many Requests',
        detail: `at most ${detail.limit} requests a minute from one client; retry after ${detail.timeToBlockExpire} s`,
        code: `${service}.RATE_LIMITED`,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}
