import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';

/** Thrown at boot when the environment does not describe a runnable service. */
export class InvalidConfigurationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'InvalidConfigurationError';
  }
}

function describe(errors: readonly ValidationError[]): string[] {
  return errors.flatMap((e) =>
    Object.values(e.constraints ?? {}).map((message) =>
      message.startsWith(e.property) ? message : `${e.property}: ${message}`,
    ),
  );
}

/**
 * Turns raw environment variables into a validated settings object of class `schema`.
 * Every problem is reported at once, each naming its variable.
 */
export function validateEnv<T extends object>(schema: new () => T, raw: Record<string, unknown>): T {
  const settings = plainToInstance(schema, raw, {
    exposeDefaultValues: true,
    enableImplicitConversion: true,
  });
  const errors = validateSync(settings, { whitelist: false, forbidUnknownValues: true });
  if (errors.length > 0) throw new InvalidConfigurationError(describe(errors));
  return settings;
}
