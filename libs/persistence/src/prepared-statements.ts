import { createHash } from 'node:crypto';
import { Client } from 'pg';

/** At most this many statement texts are prepared by a process; any other text runs unprepared, as before. */
export const MAX_PREPARED_STATEMENTS = 200;

/**
 * Set on each connection: PostgreSQL plans a prepared statement for its values on every execution, as it plans an
 * unprepared one. Left to itself (`auto`), after five executions it may keep one generic plan for all values, made
 * from the statistics of that moment and kept until they change: on a table that was nearly empty then, and that
 * no ANALYZE has seen since (a young database, or a server without autovacuum), a sequential scan that stays one
 * while the table grows. Measured: the read of a contract's documents became a sequential scan of `document`,
 * 2,416 scans reading 3.3 million rows in one benchmark run.
 */
export const PREPARED_SESSION = 'SET plan_cache_mode = force_custom_plan';

/**
 * A `pg` client that runs every statement with parameters as a named prepared statement of its connection: parsed
 * and analysed once per connection, then bound, planned for its values and executed. pg alone sends each such
 * statement unnamed, which PostgreSQL parses again on every execution: about a quarter of the server's CPU for
 * o2c's short statements (measured: 273–320 → 220 µs for the inbox's insert, 208–223 → 158 µs for a deal's lookup).
 * The name is a hash of the text, so that one text has one name on every connection. The plans are the ones the
 * statement had unprepared (`PREPARED_SESSION`).
 *
 * Statements without parameters (`START TRANSACTION`, `COMMIT`) keep pg's simple protocol. The first
 * `limit` texts of the process get a name; the others (a text built from its values would otherwise grow the
 * statements of every connection without end) run as before.
 */
export function preparingClient(limit = MAX_PREPARED_STATEMENTS): typeof Client {
  const names = new Map<string, string>();
  const nameOf = (text: string): string | undefined => {
    let name = names.get(text);
    if (name === undefined && names.size < limit) {
      name = `o2c_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
      names.set(text, name);
    }
    return name;
  };
  return class PreparingClient extends Client {
    // pg's Pool connects with a callback, a caller may await: both are served once the session is set. A session
    // that cannot be set is a connection that failed, and is closed. Until then the connection's errors are the
    // connect's own: pg also emits a lost connection as an `error` event, which its caller (the Pool) listens to
    // only once connected, and an `error` event that nobody listens to ends the process.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    override connect(callback?: any): any {
      const reportedByTheSet = (): void => undefined;
      const ready = super.connect().then(async () => {
        this.on('error', reportedByTheSet);
        try {
          await super.query(PREPARED_SESSION);
        } catch (error) {
          await this.end().catch(() => undefined);
          throw error;
        } finally {
          this.off('error', reportedByTheSet);
        }
        return this;
      });
      if (typeof callback !== 'function') return ready;
      const done = callback as (error: unknown) => void;
      ready.then(
        () => done(null),
        (error: unknown) => done(error),
      );
      return undefined;
    }

    // pg's overloads cannot be restated one by one; the call is handed on as it came unless it is a text with values.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    override query(config: any, values?: any, callback?: any): any {
      if (typeof config === 'string' && Array.isArray(values) && values.length > 0) {
        const name = nameOf(config);
        if (name !== undefined) return super.query({ name, text: config, values }, callback);
      }
      // eslint-disable-next-line @typescript-eslint/no-unsafe-argument
      return super.query(config, values, callback);
    }
  };
}
