import connectPgSimple from 'connect-pg-simple';
import session from 'express-session';
import pg from 'pg';
import type { Logger } from '../../log.ts';
import { within, type Backing } from './backing.ts';
import { storeDeadlineMs } from './deadline.ts';
import { reasonOf, redactUrl, StoreUnreachableError } from './errors.ts';
import { postgresQueryIndex } from './user-index.ts';

const PgStore = connectPgSimple(session);

export interface PostgresBackingOptions {
  url: string;
  namespace: string;
  pruneSeconds: number;
  log: Logger;
}

/**
 * connect-pg-simple's table, created here rather than with its createTableIfMissing: that
 * option remembers a failed CREATE for the life of the store, and two processes starting
 * on an empty database race. IF NOT EXISTS alone still races in PostgreSQL (both may pass
 * the check), so the creation runs under an advisory lock.
 */
async function createTable(pool: pg.Pool, table: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [table]);
    await client.query(`CREATE TABLE IF NOT EXISTS ${table} (
      sid varchar NOT NULL COLLATE "default" PRIMARY KEY,
      sess json NOT NULL,
      expire timestamp(6) NOT NULL
    )`);
    await client.query(`CREATE INDEX IF NOT EXISTS ${table}_expire ON ${table} (expire)`);
    // Logout-all deletes by the user id inside the record: indexed, it is a lookup, not a scan.
    await client.query(`CREATE INDEX IF NOT EXISTS ${table}_user ON ${table} ((sess->>'userId'))`);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Sessions in a PostgreSQL table through connect-pg-simple: one row per session, its
 * expiry in a column, expired rows deleted every `pruneSeconds`.
 */
export async function createPostgresBacking({
  url,
  namespace,
  pruneSeconds,
  log,
}: PostgresBackingOptions): Promise<Backing> {
  // Safe unquoted: config allows only [a-z0-9_] starting with a letter.
  const table = `${namespace}_sessions`;
  const pool = new pg.Pool({
    connectionString: url,
    // A query or connection attempt given up by withDeadline (deadline.ts) is given up
    // here too, so the pool drops the connection instead of keeping it busy.
    connectionTimeoutMillis: storeDeadlineMs,
    query_timeout: storeDeadlineMs,
    max: 10,
  });
  // An idle connection that dies (a restarted or terminated server) is reported here;
  // unhandled, it would end the process. The pool opens a new one on the next query.
  // withDeadline logs the outage once, when a request meets it; this line is the detail.
  pool.on('error', (error) => log.debug(`postgres session store connection lost: ${reasonOf(error)}`));
  try {
    await createTable(pool, table);
  } catch (error) {
    await pool.end().catch(() => {});
    throw new StoreUnreachableError('DATABASE_URL', url, error);
  }
  log.debug(`postgres session store ready: table ${table} on ${redactUrl(url)}`);

  const store = new PgStore({
    pool,
    tableName: table,
    pruneSessionInterval: pruneSeconds,
    // No UPDATE per request; the adapter rewrites the row once a quarter of the idle window.
    disableTouch: true,
    errorLog: (...args: unknown[]) => log.warn(`postgres session store: ${args.map(reasonOf).join(' ')}`),
  });
  return {
    kind: 'postgres',
    store,
    index: postgresQueryIndex(pool, table),
    isReady: () => true,
    recordKey: (sid) => `${table} row sid='${sid}'`,
    async count() {
      const result = await pool.query<{ records: number }>(`SELECT count(*)::int AS records FROM ${table}`);
      return result.rows[0]?.records ?? 0;
    },
    async ping(timeoutMs) {
      try {
        await within(timeoutMs, pool.query('SELECT 1'));
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      store.close();
      await pool.end();
    },
  };
}
