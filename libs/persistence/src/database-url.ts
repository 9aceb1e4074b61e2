/** Where one service's database lives. */
export interface DatabaseLocation {
  /** Connection URL of the service's own database. */
  readonly url: string;
  readonly database: string;
  /** Connection URL of the server's maintenance database, used to create the service's database. */
  readonly maintenanceUrl: string;
}

const DATABASE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * `DATABASE_URL` may name a database (a per-service URL) or only the server
 * (`postgres://user@host:5432`), in which case the service uses `defaultDatabase` on it.
 */
export function resolveDatabaseLocation(databaseUrl: string, defaultDatabase: string): DatabaseLocation {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new Error(`DATABASE_URL is not a URL: ${redactPassword(databaseUrl)}`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new Error(`DATABASE_URL must be a postgres:// URL, got ${url.protocol}//`);
  }
  const named = decodeURIComponent(url.pathname.replace(/^\//, ''));
  const database = named || defaultDatabase;
  if (!DATABASE_NAME.test(database)) {
    throw new Error(`database name "${database}" must match ${DATABASE_NAME.source}`);
  }
  const maintenance = new URL(url.toString());
  maintenance.pathname = '/postgres';
  url.pathname = `/${database}`;
  return { url: url.toString(), database, maintenanceUrl: maintenance.toString() };
}

export function redactPassword(databaseUrl: string): string {
  return databaseUrl.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}

/** The location of database `database` on the server of `databaseUrl`, whatever database that URL names. */
export function databaseOnServer(databaseUrl: string, database: string): DatabaseLocation {
  const url = new URL(resolveDatabaseLocation(databaseUrl, database).maintenanceUrl);
  url.pathname = `/${database}`;
  return resolveDatabaseLocation(url.toString(), database);
}
