import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { EVENT_DATA_VALIDATION, isSurelyValid } from '@o2c/contracts';
import { InvalidEventError } from '../errors';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type EventSchema = new (...args: any[]) => object;

/** The class-validator class of each event type's `data`, checked on produce and on consume. */
export type EventSchemas = ReadonlyMap<string, EventSchema>;

function paths(errors: readonly ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) => `${path}: ${m}`);
    return [...own, ...paths(e.children ?? [], path)];
  });
}

/**
 * Returns `data`, typed as its type's schema class, or throws InvalidEventError with every problem. Valid data is
 * recognised by the schema's rules run on it directly (isSurelyValid) and returned as it is; anything else is
 * validated by class-validator on an instance of the class, which names every problem (and is returned when it
 * finds none).
 */
export function validateEventData<T extends object = object>(
  schemas: EventSchemas,
  type: string,
  data: unknown,
): T {
  const schema = schemas.get(type);
  if (!schema) throw new InvalidEventError(type, ['no schema is registered for this event type']);
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new InvalidEventError(type, ['data must be a JSON object']);
  }
  if (isSurelyValid(schema, data)) return data as T;
  const instance = plainToInstance(schema, data) as T;
  const errors = validateSync(instance, EVENT_DATA_VALIDATION);
  if (errors.length > 0) throw new InvalidEventError(type, paths(errors));
  return instance;
}
