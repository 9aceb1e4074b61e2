import { randomBytes } from 'node:crypto';
import { databaseOnServer, dropDatabase, ensureDatabase, type DatabaseLocation } from '@o2c/persistence';

function serverUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url)
    throw new Error('DATABASE_URL is not set: run integration tests through their jest config (globalSetup)');
  return url;
}

/** A uniquely named database on the tests' real PostgreSQL server; not created yet. */
export function uniqueTestDatabase(prefix: string): DatabaseLocation {
  return databaseOnServer(serverUrl(), `o2c_test_${prefix}_${randomBytes(4).toString('hex')}`);
}

/** A fresh database on the tests' real PostgreSQL server, and how to drop it. */
export async function createTestDatabase(
  prefix: string,
): Promise<{ location: DatabaseLocation; drop(): Promise<void> }> {
  const location = uniqueTestDatabase(prefix);
  await ensureDatabase(location);
  return { location, drop: () => dropDatabase(location) };
}
