import { createHash, timingSafeEqual } from 'node:crypto';
import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import { type Request, type Response } from 'express';

/** Injection token of the `AdminTokenGuard`'s settings; `ServiceCoreModule` provides them from `ADMIN_TOKEN`. */
export const ADMIN_TOKEN_SETTINGS = Symbol('ADMIN_TOKEN_SETTINGS');

export interface AdminTokenSettings {
  /** Short service name: the realm is `o2c-<service>`, the problem's code `<SERVICE>.ADMIN_TOKEN_REQUIRED`. */
  readonly service: string;
  /** The service's `ADMIN_TOKEN`; unset or empty closes every admin endpoint. */
  readonly token: string | undefined;
}

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * Lets a request through only with `Authorization: Bearer <ADMIN_TOKEN>`; without the setting, nobody. A
 * refusal is a 401 problem+json (`ProblemDetailsFilter`) with `WWW-Authenticate: Bearer realm="o2c-<service>"`
 * and the code `<SERVICE>.ADMIN_TOKEN_REQUIRED`. Guards run before pipes: an unauthenticated request is
 * refused before its parameters or body are validated, so it learns nothing. Apply it with `@AdminOnly()`.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly token: Buffer | undefined;
  private readonly realm: string;
  private readonly code: string;

  constructor(@Inject(ADMIN_TOKEN_SETTINGS) settings: AdminTokenSettings) {
    this.token = settings.token ? digest(settings.token) : undefined;
    this.realm = `o2c-${settings.service}`;
    this.code = `${settings.service.toUpperCase()}.ADMIN_TOKEN_REQUIRED`;
  }

  canActivate(context: ExecutionContext): true {
    const http = context.switchToHttp();
    const refuse = (detail: string): never => {
      http.getResponse<Response>().setHeader('WWW-Authenticate', `Bearer realm="${this.realm}"`);
      throw new UnauthorizedException({ title: 'Admin token required', detail, code: this.code });
    };
    if (!this.token) return refuse('the admin endpoints are closed: ADMIN_TOKEN is not set');
    const header = http.getRequest<Request>().header('authorization') ?? '';
    const bearer = /^Bearer +(\S+) *$/i.exec(header)?.[1];
    if (bearer === undefined) return refuse('an Authorization: Bearer <admin token> header is required');
    // Digests of equal length, so that the comparison takes as long whatever the guess and its length.
    if (!timingSafeEqual(digest(bearer), this.token))
      return refuse('the bearer token is not the admin token');
    return true;
  }
}

/**
 * Closes a controller (every route of it) or one route to all but holders of the service's `ADMIN_TOKEN`:
 *
 *   @Controller('v1/admin/renewals')
 *   @AdminOnly()
 *   export class RenewalsHttpController { ... }
 *
 * The guard's settings come from `ServiceCoreModule`, so it works in any module of a service.
 */
export function AdminOnly(): ClassDecorator & MethodDecorator {
  return UseGuards(AdminTokenGuard);
}
