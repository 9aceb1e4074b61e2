import { createHash, timingSafeEqual } from 'node:crypto';
import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  Logger,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import { REQUIRED_SCOPE } from '@o2c/messaging';
import { type Request, type Response } from 'express';
import { ADMIN_TOKEN_ID, type ApiKey } from './api-keys';

/** Injection token of the `AdminTokenGuard`'s settings; `ServiceCoreModule` provides them from `ADMIN_TOKEN` and `API_KEYS`. */
export const ADMIN_TOKEN_SETTINGS = Symbol('ADMIN_TOKEN_SETTINGS');

export interface AdminTokenSettings {
  /** Short service name: the realm is `o2c-<service>`, the problems' codes `<SERVICE>.ADMIN_TOKEN_REQUIRED` and `<SERVICE>.SCOPE_REQUIRED`. */
  readonly service: string;
  /** The service's `ADMIN_TOKEN`, the bootstrap key with every scope; unset or empty, it opens nothing. */
  readonly token: string | undefined;
  /** The operations API keys (`API_KEYS`), each with its scopes. */
  readonly keys?: readonly ApiKey[];
}

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * Lets a request through only with `Authorization: Bearer <key>` where the key is `ADMIN_TOKEN` (every scope)
 * or an API key of `API_KEYS` that holds the scope the route declares (`@RequiresScope`); with neither setting,
 * nobody. An unknown or missing key is a 401 problem+json (`ProblemDetailsFilter`) with
 * `WWW-Authenticate: Bearer realm="o2c-<service>"` and the code `<SERVICE>.ADMIN_TOKEN_REQUIRED`; a key without
 * the scope, or a route that declares none (only `ADMIN_TOKEN` may use it), is a 403 with
 * `<SERVICE>.SCOPE_REQUIRED` naming both. Each request let through is logged with the key's id. Guards run
 * before pipes: a refused request is refused before its parameters or body are validated, so it learns nothing.
 * Apply it with `@AdminOnly()`.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly token: Buffer | undefined;
  private readonly keys: ReadonlyMap<string, ApiKey>;
  private readonly realm: string;
  private readonly code: string;
  private readonly scopeCode: string;
  private readonly logger = new Logger('OperationsAccess');

  constructor(@Inject(ADMIN_TOKEN_SETTINGS) settings: AdminTokenSettings) {
    this.token = settings.token ? digest(settings.token) : undefined;
    this.keys = new Map((settings.keys ?? []).map((key) => [key.sha256, key]));
    this.realm = `o2c-${settings.service}`;
    this.code = `${settings.service.toUpperCase()}.ADMIN_TOKEN_REQUIRED`;
    this.scopeCode = `${settings.service.toUpperCase()}.SCOPE_REQUIRED`;
  }

  canActivate(context: ExecutionContext): true {
    const http = context.switchToHttp();
    const refuse = (detail: string): never => {
      http.getResponse<Response>().setHeader('WWW-Authenticate', `Bearer realm="${this.realm}"`);
      throw new UnauthorizedException({ title: 'Admin token required', detail, code: this.code });
    };
    if (!this.token && this.keys.size === 0) {
      return refuse('the admin endpoints are closed: neither ADMIN_TOKEN nor API_KEYS is set');
    }
    const request = http.getRequest<Request>();
    const bearer = /^Bearer +(\S+) *$/i.exec(request.header('authorization') ?? '')?.[1];
    if (bearer === undefined)
      return refuse('an Authorization: Bearer <admin token or API key> header is required');
    const presented = digest(bearer);
    const scope = requiredScope(context);
    // Digests of equal length, so that the comparison takes as long whatever the guess and its length.
    if (this.token && timingSafeEqual(presented, this.token))
      return this.allow(request, ADMIN_TOKEN_ID, scope);
    // Looked up by its digest: what a lookup's time could tell is about the digest, not the key.
    const key = this.keys.get(presented.toString('hex'));
    if (!key) return refuse('the bearer token is neither the admin token nor an API key');
    if (scope === undefined || !key.scopes.has(scope)) {
      throw new ForbiddenException({
        title: 'Scope required',
        detail:
          scope === undefined
            ? `this route declares no scope: only ADMIN_TOKEN may use it, not the API key "${key.id}"`
            : `the API key "${key.id}" does not hold the scope "${scope}"`,
        code: this.scopeCode,
      });
    }
    return this.allow(request, key.id, scope);
  }

  private allow(request: Request, keyId: string, scope: string | undefined): true {
    this.logger.log(
      { apiKeyId: keyId, scope: scope ?? null, method: request.method, path: request.path },
      `operations request by key ${keyId}`,
    );
    return true;
  }
}

/** The scope a route declares (`@RequiresScope`), on its handler or else on its controller. */
function requiredScope(context: ExecutionContext): string | undefined {
  const handler = context.getHandler?.();
  const controller = context.getClass?.();
  return (
    (handler && (Reflect.getMetadata(REQUIRED_SCOPE, handler) as string | undefined)) ??
    (controller && (Reflect.getMetadata(REQUIRED_SCOPE, controller) as string | undefined))
  );
}

/**
 * Closes a controller (every route of it) or one route to all but holders of the service's `ADMIN_TOKEN` or of
 * an API key with the scope each route declares:
 *
 *   @Controller('v1/admin/renewals')
 *   @AdminOnly()
 *   export class RenewalsHttpController {
 *     @Post()
 *     @RequiresScope('renewals:run')
 *     run(...) { ... }
 *   }
 *
 * The guard's settings come from `ServiceCoreModule`, so it works in any module of a service.
 */
export function AdminOnly(): ClassDecorator & MethodDecorator {
  return UseGuards(AdminTokenGuard);
}
