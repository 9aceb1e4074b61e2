// Test support for the schema specs (outside src/, so it is never built or exported).
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';

import { EVENT_DATA_VALIDATION } from '../src/schema-fast-path';

export { ABSENT, changed, copy } from '../src/examples';

/**
 * The paths of the invalid properties of `data` as `schema`, validated the way @o2c/messaging's
 * validateEventData does it (contracts must not depend on messaging).
 */
export function invalidPaths(schema: new () => object, data: object): string[] {
  const walk = (errors: readonly ValidationError[], prefix: string): string[] =>
    errors.flatMap((e) => {
      const path = prefix ? `${prefix}.${e.property}` : e.property;
      return [...(e.constraints ? [path] : []), ...walk(e.children ?? [], path)];
    });
  return walk(validateSync(plainToInstance(schema, data), EVENT_DATA_VALIDATION), '');
}
