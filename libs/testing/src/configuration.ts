import { InvalidConfigurationError, validateEnv } from '@o2c/platform';

/** What `validateEnv` says is wrong with `raw` for `schema`, one problem a line; throws when it takes `raw`. */
export function configurationProblems(
  schema: new () => object,
  raw: Record<string, string>,
): readonly string[] {
  try {
    validateEnv(schema, raw);
  } catch (error) {
    if (error instanceof InvalidConfigurationError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}
