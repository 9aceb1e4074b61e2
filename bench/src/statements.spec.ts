import { countStatements } from './statements';

// Lines as PostgreSQL writes them with log_statement = all and Debian's log_line_prefix ('%m [%p] %q%u@%d ').
const line = (database: string, kind: string, sql: string) =>
  `2026-12-07 03:01:02.345 UTC [4242] postgres@${database} LOG:  ${kind}: ${sql}`;

describe('countStatements', () => {
  // A statement of several lines is counted by its first line (the others are lines of their own in the log).
  it('counts the statements of each service database per deal, the same statement under one key', () => {
    const log = [
      line('o2c_deals_1', 'statement', 'START TRANSACTION'),
      line('o2c_deals_1', 'execute <unnamed>', 'SELECT 1 FROM deal   WHERE id = $1'),
      line('o2c_deals_1', 'statement', 'COMMIT'),
      line('o2c_deals_1', 'statement', 'START TRANSACTION'),
      line('o2c_deals_1', 'execute <unnamed>', 'SELECT 1 FROM deal WHERE id = $1'),
      line('o2c_deals_1', 'statement', 'COMMIT'),
      line('o2c_invoicing_1', 'execute <unnamed>', 'INSERT INTO document VALUES ($1)'),
      line('someone_else', 'statement', 'SELECT 42'),
      "2026-12-07 03:01:02.400 UTC [4242] postgres@o2c_deals_1 DETAIL:  parameters: $1 = 'x'",
    ].join('\n');
    const counted = countStatements(log, { deals: 'o2c_deals_1', invoicing: 'o2c_invoicing_1' }, 2);
    expect(counted).toEqual({
      deals: {
        perDeal: 3,
        statements: { 'START TRANSACTION': 1, 'SELECT 1 FROM deal WHERE id = $1': 1, COMMIT: 1 },
      },
      invoicing: { perDeal: 0.5, statements: { 'INSERT INTO document VALUES ($1)': 0.5 } },
    });
  });
});
