import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { databaseOnServer, dropDatabase, ensureDatabase } from '../../src';

describe(ensureDatabase.name, () => {
  it('creates a missing database exactly once, also when several instances start at the same moment', async () => {
    const location = databaseOnServer(
      process.env.DATABASE_URL!,
      `o2c_test_ensure_${randomBytes(4).toString('hex')}`,
    );
    try {
      const outcomes = await Promise.all(Array.from({ length: 4 }, () => ensureDatabase(location)));
      expect(outcomes.filter((o) => o === 'created')).toHaveLength(1);
      expect(outcomes.filter((o) => o === 'exists')).toHaveLength(3);

      const client = new Client({ connectionString: location.url });
      await client.connect();
      const { rows } = await client.query<{ db: string }>('SELECT current_database() AS db');
      await client.end();
      expect(rows[0]?.db).toBe(location.database);
    } finally {
      await dropDatabase(location);
    }
  });
});
