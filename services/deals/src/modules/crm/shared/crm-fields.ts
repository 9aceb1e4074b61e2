import { type CrmProblems } from '../crm.errors';

/** A CRM record or nested object as parsed by `parseExactJson` (numbers kept as their source text). */
export type Fields = Readonly<Record<string, unknown>>;

/** The path of `key` inside `path`, written as the CRM's records are: `lineItems[2].properties.price`. */
export function at(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object at `path`; a missing or non-object value is a problem. */
export function requiredObject(value: unknown, path: string, problems: CrmProblems): Fields | undefined {
  if (isObject(value)) return value;
  return problems.malformed(
    path,
    value === undefined || value === null ? 'is required' : 'must be an object',
  );
}

/** The object at `path`, or undefined when absent or null. */
export function optionalObject(value: unknown, path: string, problems: CrmProblems): Fields | undefined {
  if (value === undefined || value === null) return undefined;
  return requiredObject(value, path, problems);
}

/** The array at `path`; a missing or non-array value is a problem. */
export function requiredArray(value: unknown, path: string, problems: CrmProblems): unknown[] | undefined {
  if (Array.isArray(value)) return value as unknown[];
  return problems.malformed(path, value === undefined || value === null ? 'is required' : 'must be an array');
}

/**
 * A text field. Absent, `null` and blank values count as not set: HubSpot sends unset properties as
 * `null` or `""`, Salesforce sends `null`. Numbers arrive as their source text (parseExactJson).
 */
export function optionalText(
  fields: Fields,
  key: string,
  path: string,
  problems: CrmProblems,
): string | undefined {
  const value = fields[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') return problems.malformed(at(path, key), 'must be a string or a number');
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

export function requiredText(
  fields: Fields,
  key: string,
  path: string,
  problems: CrmProblems,
): string | undefined {
  const value = optionalText(fields, key, path, problems);
  const raw = fields[key];
  // A value of the wrong type was reported by optionalText already.
  if (value === undefined && (raw === undefined || raw === null || typeof raw === 'string')) {
    return problems.malformed(at(path, key), 'is required');
  }
  return value;
}

/** A checkbox: a JSON boolean (Salesforce) or the strings "true" / "false" (HubSpot). */
export function optionalFlag(
  fields: Fields,
  key: string,
  path: string,
  problems: CrmProblems,
): boolean | undefined {
  const value = fields[key];
  if (value === undefined || value === null || value === '') return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return problems.malformed(at(path, key), 'must be true or false');
}

/**
 * The text fields named by `names` (`{ taxId: 'O2C_Tax_Id__c' }`) under their canonical names, each
 * only when set: the optional members of a canonical object.
 */
export function optionalTexts<K extends string>(
  fields: Fields,
  names: Readonly<Record<K, string>>,
  path: string,
  problems: CrmProblems,
): Partial<Record<K, string>> {
  const texts: Partial<Record<K, string>> = {};
  for (const [name, key] of Object.entries(names) as [K, string][]) {
    const text = optionalText(fields, key, path, problems);
    if (text !== undefined) texts[name] = text;
  }
  return texts;
}
