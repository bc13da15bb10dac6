import connectPgSimple from 'connect-pg-simple';
import session from 'express-session';
import type pg from 'pg';
import { boundedPool, createLocked } from '../../postgres.ts';
import type { Logger } from '../../log.ts';
import type { Backing } from './backing.ts';
import { postgresQueryIndex } from './user-index.ts';
import {
  answersWithin,
  reasonOf,
  redactUrl,
  storeDeadlineMs,
  StoreUnreachableError,
} from '../../services.ts';

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
 * on an empty database race (createLocked says why the lock).
 */
const createTable = (pool: pg.Pool, table: string): Promise<void> =>
  createLocked(pool, table, [
    `CREATE TABLE IF NOT EXISTS ${table} (
      sid varchar NOT NULL COLLATE "default" PRIMARY KEY,
      sess json NOT NULL,
      expire timestamp(6) NOT NULL
    )`,
    `CREATE INDEX IF NOT EXISTS ${table}_expire ON ${table} (expire)`,
    // Logout-all deletes by the user id inside the record: indexed, it is a lookup, not a scan.
    `CREATE INDEX IF NOT EXISTS ${table}_user ON ${table} ((sess->>'userId'))`,
  ]);

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
  // withDeadline (deadline.ts) bounds every call and logs the outage once, when a request
  // meets it; a lost idle connection is only the detail.
  const pool = boundedPool(url, { deadlineMs: storeDeadlineMs, max: 10 }, (error) =>
    log.debug(`postgres session store connection lost: ${reasonOf(error)}`),
  );
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
      // count(*) always answers one row.
      return result.rows[0]!.records;
    },
    ping: (timeoutMs) => answersWithin(timeoutMs, pool.query('SELECT 1')),
    async close() {
      store.close();
      await pool.end();
    },
  };
}
