import { Client } from 'pg';
import { type DatabaseLocation } from './database-url';

const DUPLICATE_DATABASE = '42P04';
const UNIQUE_VIOLATION = '23505';

/** Creates the service's database when it does not exist yet; safe when several instances start at once. */
export async function ensureDatabase(location: DatabaseLocation): Promise<'created' | 'exists'> {
  const client = new Client({ connectionString: location.maintenanceUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [location.database]);
    if (found.rowCount) return 'exists';
    try {
      // Identifiers cannot be bound as parameters; the name was checked by resolveDatabaseLocation.
      await client.query(`CREATE DATABASE "${location.database}"`);
      return 'created';
    } catch (error) {
      const code = (error as { code?: string }).code;
      // Another instance created it between our look and our create.
      if (code === DUPLICATE_DATABASE || code === UNIQUE_VIOLATION) return 'exists';
      throw error;
    }
  } finally {
    await client.end();
  }
}

/** Drops a database (tests only clean up after themselves with it). */
export async function dropDatabase(location: DatabaseLocation): Promise<void> {
  const client = new Client({ connectionString: location.maintenanceUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${location.database}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
