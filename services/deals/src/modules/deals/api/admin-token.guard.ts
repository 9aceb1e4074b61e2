import { createHash, timingSafeEqual } from 'node:crypto';
import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { SERVICE_ENV } from '@o2c/platform';
import { type Request } from 'express';
import { type DealsEnv } from '../../../config/env.schema';
import { DealsError, DealsErrorCode } from '../domain/deals.errors';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * The operations endpoints take `Authorization: Bearer <DEALS_ADMIN_TOKEN>`; without the setting they
 * are closed to everyone. Runs before validation: an unauthenticated request learns nothing.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly token: Buffer | undefined;

  constructor(@Inject(SERVICE_ENV) env: DealsEnv) {
    this.token = env.DEALS_ADMIN_TOKEN ? digest(env.DEALS_ADMIN_TOKEN) : undefined;
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.token) {
      throw new DealsError(
        DealsErrorCode.AdminTokenRequired,
        'the admin endpoints are closed: DEALS_ADMIN_TOKEN is not set',
      );
    }
    const header = context.switchToHttp().getRequest<Request>().header('authorization') ?? '';
    const bearer = /^Bearer +(\S+) *$/i.exec(header)?.[1];
    if (bearer === undefined) {
      throw new DealsError(
        DealsErrorCode.AdminTokenRequired,
        'an Authorization: Bearer <admin token> header is required',
      );
    }
    // Digests of equal length, so that the comparison takes as long whatever the guess.
    if (!timingSafeEqual(digest(bearer), this.token)) {
      throw new DealsError(DealsErrorCode.AdminTokenRequired, 'the bearer token is not the admin token');
    }
    return true;
  }
}
