import { type Client, escapeLiteral } from 'pg';
// pg's own conversion of a value to the text it sends; not in its type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { prepareValue } = require('pg/lib/utils') as { prepareValue: (value: unknown) => string | null };
import { type EntityManager } from 'typeorm';

/** A node of PostgreSQL's `EXPLAIN (FORMAT JSON)` plan, with the fields the checks read. */
export interface PlanNode {
  readonly 'Node Type': string;
  readonly 'Relation Name'?: string;
  readonly 'Index Name'?: string;
  readonly 'Actual Rows'?: number;
  readonly 'Actual Loops'?: number;
  readonly Plans?: PlanNode[];
}

/** The SQL and parameters a repository method sends first, without running it. */
export async function sqlOf(
  call: (manager: EntityManager) => Promise<unknown>,
): Promise<[string, unknown[]]> {
  let sent: [string, unknown[]] | undefined;
  const manager = {
    query: (sql: string, parameters: unknown[] = []) => {
      sent ??= [sql, parameters];
      return Promise.resolve([]);
    },
  } as unknown as EntityManager;
  await call(manager).catch(() => undefined);
  if (!sent) throw new Error('the call sent no query');
  return sent;
}

/**
 * PostgreSQL's plan of `sql`; run (`EXPLAIN ANALYZE`) with `analyze`, so that it shows the rows each node read. With
 * `generic`, the plan PostgreSQL may reuse for a prepared statement whatever its values (`force_generic_plan`), as
 * o2c's connections prepare their statements: the plan for these values otherwise.
 */
export async function planOf(
  db: Client,
  sql: string,
  parameters: unknown[],
  options: { analyze?: boolean; generic?: boolean } = {},
): Promise<PlanNode> {
  const explain = `EXPLAIN (${options.analyze ? 'ANALYZE, ' : ''}FORMAT JSON)`;
  if (!options.generic) {
    const { rows } = await db.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`${explain} ${sql}`, parameters);
    return rows[0]!['QUERY PLAN'][0].Plan;
  }
  await db.query(`PREPARE o2c_plan_check AS ${sql}`);
  try {
    await db.query('SET plan_cache_mode = force_generic_plan');
    // EXECUTE takes no protocol parameters: its values are written as literals, as pg would send them.
    const values = parameters.length === 0 ? '' : `(${parameters.map(literal).join(', ')})`;
    const { rows } = await db.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
      `${explain} EXECUTE o2c_plan_check${values}`,
    );
    return rows[0]!['QUERY PLAN'][0].Plan;
  } finally {
    await db.query('RESET plan_cache_mode');
    await db.query('DEALLOCATE o2c_plan_check');
  }
}

/** `value` as an SQL literal of the text pg sends for it (arrays as PostgreSQL arrays). */
function literal(value: unknown): string {
  const text = prepareValue(value);
  return text === null ? 'NULL' : escapeLiteral(text);
}

/** Every node of a plan, depth first. */
export function planNodes(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(planNodes)];
}

/** The tables a plan reads whole (sequential scans). */
export function sequentialScans(plan: PlanNode): string[] {
  return planNodes(plan)
    .filter((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'])
    .map((n) => n['Relation Name']!);
}

/** The rows (or index entries) an analysed plan's scans returned, over all their loops, per scan. */
export function scannedRows(plan: PlanNode): { scan: string; rows: number }[] {
  return planNodes(plan)
    .filter((n) => n['Node Type'].endsWith('Scan'))
    .map((n) => ({
      scan: `${n['Node Type']} ${n['Index Name'] ?? n['Relation Name'] ?? ''}`.trim(),
      rows: (n['Actual Rows'] ?? 0) * (n['Actual Loops'] ?? 1),
    }));
}
