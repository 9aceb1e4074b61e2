import { type Client } from 'pg';
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

/** PostgreSQL's plan of `sql`; run (`EXPLAIN ANALYZE`) with `analyze`, so that it shows the rows each node read. */
export async function planOf(
  db: Client,
  sql: string,
  parameters: unknown[],
  options: { analyze?: boolean } = {},
): Promise<PlanNode> {
  const { rows } = await db.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
    `EXPLAIN (${options.analyze ? 'ANALYZE, ' : ''}FORMAT JSON) ${sql}`,
    parameters,
  );
  return rows[0]!['QUERY PLAN'][0].Plan;
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
