import { planOf, scannedRows, sqlOf } from '@o2c/testing';
import { DataSource, type EntityManager } from 'typeorm';
import { DealRepository } from '../../src/modules/deals/infra/deal.repository';
import { type DealsUnderTest, startDeals, stopDeals } from './support/ops';

// The lookups the intake makes for every deal, as the repository writes them, run by PostgreSQL against 20,000
// accepted deals that it has no statistics of (a young table, or a server whose autovacuum is off): each may read
// the rows of the deals it names, not a share of all deals.
const DEALS = 20_000;

let under: DealsUnderTest;

beforeAll(async () => {
  under = await startDeals();
  await under.db.query(`ALTER TABLE deal SET (autovacuum_enabled = false)`);
  await under.db.query(`
    INSERT INTO deal (id, deal_id, revision, kind, status, account_id, contract_id, amends, body, received_at,
                      accepted_seq, accepted_at, closed)
    SELECT gen_random_uuid(), 'D-' || g, 1, CASE WHEN g % 10 = 0 THEN 'amendment' ELSE 'new' END, 'accepted',
           'A-' || (g % 500), 'C-' || (g - g % 10), CASE WHEN g % 10 = 0 THEN 'D-' || (g - 9) END, '{}', now(),
           nextval('deal_accepted_seq'), now(), '{}'
      FROM generate_series(1, ${DEALS}) g`);
}, 120_000);

afterAll(() => under && stopDeals(under));

describe("the intake's lookups of a deal, on 20,000 accepted deals without statistics", () => {
  const deals = new DealRepository(new DataSource({ type: 'postgres' }));
  const cases: [string, (manager: EntityManager) => Promise<unknown>][] = [
    ['a revision of a deal', (m) => deals.findRevision(m, 'D-4242', 2)],
    ['the latest revision of a deal', (m) => deals.findLatest(m, 'D-4242')],
    ['another accepted revision of a deal', (m) => deals.acceptedOtherRevision(m, 'D-4242', 2)],
    ['the contract an amendment amends', (m) => deals.contractOf(m, 'D-4241')],
    ['the held changes of a contract', (m) => deals.heldChangesOf(m, 'D-4241')],
  ];

  it.each(cases)('%s reads at most the rows of that deal', async (_, call) => {
    const [sql, parameters] = await sqlOf(call);
    const plan = await planOf(under.db, sql, parameters, { analyze: true });
    expect(scannedRows(plan).filter(({ rows }) => rows > 5)).toEqual([]);
  });

  it('sees a scan that reads many rows where there is one (the check itself)', async () => {
    const plan = await planOf(under.db, `SELECT id FROM deal WHERE status = 'accepted' LIMIT 100`, [], {
      analyze: true,
    });
    expect(scannedRows(plan).filter(({ rows }) => rows > 5)).not.toEqual([]);
  });
});
