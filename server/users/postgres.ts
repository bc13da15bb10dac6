import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Logger } from '../log.ts';
import { within } from '../sessions/server-side/backing.ts';
import { reasonOf, redactUrl, StoreUnreachableError } from '../sessions/server-side/errors.ts';
import { userStoreUnavailable } from './errors.ts';
import { UsernameTakenError, type UserRepository } from './repository.ts';
import { usernameKey, type User, type UserPage } from './user.ts';

/**
 * Every query, and every wait for a connection, ends by then: a stalled database answers
 * 503 in well under 2 s. The driver's own timeouts are set to the same figure only so that
 * it drops the stalled connection; the bound the app relies on is `within()`.
 */
export const userQueryDeadlineMs = 1_500;

interface Row {
  id: string;
  username: string;
  password_hash: string;
  created_at: string;
  session_version: number;
}

const columns = 'id, username, password_hash, created_at, session_version';

const toUser = (row: Row): User => ({
  id: row.id,
  username: row.username,
  passwordHash: row.password_hash,
  createdAt: row.created_at,
  sessionVersion: row.session_version,
});

/**
 * The table. `username_key` is usernameKey(username), the same rule as the lowdb store's,
 * and its unique index is what makes one registration win a race: the losers' INSERTs fail
 * with 23505. COLLATE "C" orders it by bytes, the order the user list pages in.
 * createdAt stays the text the app wrote, so a lowdb import copies it unchanged.
 *
 * CREATE TABLE IF NOT EXISTS alone races (two starts both pass the check and one fails on
 * pg_type), so the schema is created under a transaction-scoped advisory lock.
 */
async function createSchema(pool: pg.Pool, table: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [table]);
    await client.query(`CREATE TABLE IF NOT EXISTS ${table} (
      id text PRIMARY KEY,
      username text NOT NULL,
      username_key text COLLATE "C" NOT NULL,
      password_hash text NOT NULL,
      created_at text NOT NULL,
      session_version integer NOT NULL DEFAULT 0
    )`);
    await client.query(`CREATE UNIQUE INDEX IF NOT EXISTS ${table}_username_key ON ${table} (username_key)`);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

export interface PostgresUsersOptions {
  url: string;
  namespace: string;
  log: Logger;
  now: () => number;
}

/** What `npm run users -- import` did with one user of the file. */
export type ImportOutcome = 'copied' | 'skipped';

/**
 * Users in PostgreSQL, shared by every instance. Each change is one statement, so a
 * failure or a timeout never leaves half a user: the row is there whole or not at all.
 */
export class PostgresUserRepository implements UserRepository {
  readonly #pool: pg.Pool;
  readonly #table: string;
  readonly #log: Logger;
  readonly #now: () => number;

  private constructor(pool: pg.Pool, table: string, log: Logger, now: () => number) {
    this.#pool = pool;
    this.#table = table;
    this.#log = log;
    this.#now = now;
  }

  /** Connects and creates the table; an unreachable database stops start-up (DATABASE_URL, password masked). */
  static async open({ url, namespace, log, now }: PostgresUsersOptions): Promise<PostgresUserRepository> {
    // Safe unquoted: config allows only [a-z0-9_] starting with a letter.
    const table = `${namespace}_users`;
    const pool = new pg.Pool({
      connectionString: url,
      connectionTimeoutMillis: userQueryDeadlineMs,
      query_timeout: userQueryDeadlineMs,
      max: 10,
    });
    // An idle connection that dies is reported here; unhandled, it would end the process.
    pool.on('error', (error) => log.warn(`postgres user store connection lost: ${reasonOf(error)}`));
    try {
      await within(userQueryDeadlineMs * 2, createSchema(pool, table));
    } catch (error) {
      await pool.end().catch(() => {});
      throw new StoreUnreachableError('DATABASE_URL', url, error);
    }
    log.debug(`postgres user store ready: table ${table} on ${redactUrl(url)}`);
    return new PostgresUserRepository(pool, table, log, now);
  }

  async #query(text: string, values: unknown[]): Promise<Row[]> {
    try {
      return (await within(userQueryDeadlineMs, this.#pool.query<Row>(text, values))).rows;
    } catch (error) {
      // A taken name is an answer, not an outage: the caller turns it into a 409.
      if ((error as { code?: unknown }).code === '23505') throw error;
      this.#log.warn(`postgres user store failed: ${reasonOf(error)}`);
      throw userStoreUnavailable();
    }
  }

  async #one(text: string, values: unknown[]): Promise<User | undefined> {
    const [row] = await this.#query(text, values);
    return row ? toUser(row) : undefined;
  }

  findById(id: string): Promise<User | undefined> {
    return this.#one(`SELECT ${columns} FROM ${this.#table} WHERE id = $1`, [id]);
  }

  findByUsername(username: string): Promise<User | undefined> {
    return this.#one(`SELECT ${columns} FROM ${this.#table} WHERE username_key = $1`, [
      usernameKey(username),
    ]);
  }

  async sessionVersion(id: string): Promise<number | undefined> {
    const [row] = await this.#query(`SELECT session_version FROM ${this.#table} WHERE id = $1`, [id]);
    return row?.session_version;
  }

  async list(page?: UserPage): Promise<User[]> {
    // The unique index on username_key serves both the WHERE and the ORDER BY: a page
    // costs its own size, whichever page it is.
    const rows = await this.#query(
      `SELECT ${columns} FROM ${this.#table}
       WHERE $1::text IS NULL OR username_key > $1
       ORDER BY username_key LIMIT $2`,
      [page?.after === undefined ? null : usernameKey(page.after), page?.limit ?? null],
    );
    return rows.map(toUser);
  }

  async create(username: string, passwordHash: string): Promise<User> {
    const user: User = {
      id: randomUUID(),
      username,
      passwordHash,
      createdAt: new Date(this.#now()).toISOString(),
      sessionVersion: 0,
    };
    try {
      await this.#insert(user);
    } catch (error) {
      if ((error as { code?: unknown }).code === '23505') throw new UsernameTakenError();
      throw error;
    }
    return user;
  }

  /** One atomic UPDATE: two concurrent bumps on two instances give +2, never +1. */
  bumpSessionVersion(id: string): Promise<User | undefined> {
    return this.#one(
      `UPDATE ${this.#table} SET session_version = session_version + 1 WHERE id = $1 RETURNING ${columns}`,
      [id],
    );
  }

  changePassword(id: string, passwordHash: string): Promise<User | undefined> {
    return this.#one(
      `UPDATE ${this.#table} SET password_hash = $2, session_version = session_version + 1
       WHERE id = $1 RETURNING ${columns}`,
      [id, passwordHash],
    );
  }

  async delete(id: string): Promise<boolean> {
    return (await this.#query(`DELETE FROM ${this.#table} WHERE id = $1 RETURNING id`, [id])).length > 0;
  }

  /**
   * Copies one user of a lowdb file, hash and version as they are. A user whose id or
   * name is already here is skipped, so an import can be run again safely.
   */
  async import(user: User): Promise<ImportOutcome> {
    const rows = await this.#insert(user, 'ON CONFLICT DO NOTHING');
    return rows.length > 0 ? 'copied' : 'skipped';
  }

  #insert(user: User, onConflict = ''): Promise<Row[]> {
    return this.#query(
      `INSERT INTO ${this.#table} (id, username, username_key, password_hash, created_at, session_version)
       VALUES ($1, $2, $3, $4, $5, $6) ${onConflict} RETURNING id`,
      [
        user.id,
        user.username,
        usernameKey(user.username),
        user.passwordHash,
        user.createdAt,
        user.sessionVersion,
      ],
    );
  }

  async reachable(): Promise<boolean> {
    try {
      await within(userQueryDeadlineMs, this.#pool.query('SELECT 1'));
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    // A stalled connection would hold end() open for ever.
    await within(userQueryDeadlineMs, this.#pool.end()).catch(() => {});
  }
}
