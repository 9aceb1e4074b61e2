// Test support for the schema specs (outside src/, so it is never built or exported).
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';

/** Marks a property to remove in `changed`. */
export const ABSENT = Symbol('absent');

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
  const options = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true };
  return walk(validateSync(plainToInstance(schema, data), options), '');
}

/**
 * A deep copy of plain data, made of this realm's objects and arrays. Jest runs a test file in a vm context, where
 * structuredClone returns objects of the outer realm: not `Object.prototype` objects of the test's own.
 */
export function copy<T>(data: T): T {
  if (Array.isArray(data)) return data.map((each: unknown) => copy(each)) as T;
  if (typeof data === 'object' && data !== null) {
    return Object.fromEntries(Object.entries(data).map(([key, value]) => [key, copy(value)])) as T;
  }
  return data;
}

/** A deep copy of `data` with each `path` (`lines.0.unitPrice`) set to its value, or removed for ABSENT. */
export function changed(data: object, changes: Record<string, unknown>): object {
  const result = copy(data) as Record<string, unknown>;
  for (const [path, value] of Object.entries(changes)) {
    const keys = path.split('.');
    const last = keys.pop() as string;
    const parent = keys.reduce<Record<string, unknown>>(
      (node, key) => node[key] as Record<string, unknown>,
      result,
    );
    if (value === ABSENT) delete parent[last];
    else parent[last] = value;
  }
  return result;
}
