import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';

/** Injection token of the guard the application chose for the dead-letter API (`MessagingOptions.adminGuard`), or null. */
export const DEAD_LETTERS_ADMIN_GUARD = Symbol('DEAD_LETTERS_ADMIN_GUARD');

/**
 * Guards the dead-letter API with the application's own admin guard (`@o2c/platform`'s `AdminTokenGuard` in a
 * service); this library cannot import it, as the platform is built on it. Without one the API answers 401 to
 * everyone: dead letters hold whole events, and a replay changes data.
 */
@Injectable()
export class DeadLettersGuard implements CanActivate {
  constructor(@Inject(DEAD_LETTERS_ADMIN_GUARD) private readonly adminGuard: CanActivate | null) {}

  canActivate(context: ExecutionContext): ReturnType<CanActivate['canActivate']> {
    if (!this.adminGuard) {
      throw new UnauthorizedException({
        title: 'Admin token required',
        detail: 'the dead-letter endpoints are closed: no admin guard is configured',
      });
    }
    return this.adminGuard.canActivate(context);
  }
}
