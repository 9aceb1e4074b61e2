import { SetMetadata } from '@nestjs/common';

/** Metadata key of the operations scope a route requires; `@o2c/platform`'s `AdminTokenGuard` reads it. */
export const REQUIRED_SCOPE = 'o2c:required-scope';

/**
 * Declares the operations scope a route (or every route of a controller) requires, e.g. `deals:replay`. The
 * scopes are `@o2c/platform`'s `OPERATIONS_SCOPES`; the guard that checks them is the application's admin guard.
 * Here, below the platform, so that the dead-letter API can declare its own.
 */
export const RequiresScope = (scope: string): ClassDecorator & MethodDecorator =>
  SetMetadata(REQUIRED_SCOPE, scope);
