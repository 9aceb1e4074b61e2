/** What JSON.parse hands a reviver as its third argument (source text access, Node 21 and later). */
interface ReviverContext {
  readonly source?: string;
}

type ExactReviver = (this: unknown, key: string, value: unknown, context?: ReviverContext) => unknown;

/**
 * Parses a JSON body keeping every number as the exact text it was sent as: Salesforce serialises
 * currency fields as JSON numbers (`"UnitPrice": 360.00`), and a JavaScript number would lose
 * both the scale and, past 15 digits, the value. Money is never a JavaScript number here.
 * Throws a SyntaxError for anything that is not JSON.
 */
export function parseExactJson(text: string): unknown {
  const reviver: ExactReviver = (_key, value, context) =>
    typeof value === 'number' ? (context?.source ?? String(value)) : value;
  return JSON.parse(text, reviver);
}
