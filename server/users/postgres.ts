import pg from 'pg';
import { boundedPool, createLocked } from '../postgres.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { UserStoreUnavailableError } from './errors.ts';
import { UsernameTakenError, type UserRepository } from './repository.ts';
import { UserCache } from './user-cache.ts';
import { newUser, usernameKey, type User, type UserPage } from './user.ts';
import {
  outageLog,
  reasonOf,
  redactUrl,
  storeDeadlineMs,
  StoreUnreachableError,
  within,
} from '../services.ts';

/**
 * Every query, and every wait for a connection, ends by then: a stalled database answers
 * 503 in well under 2 s. The same figure as every session store's deadline, defined there
 * once. The driver's own timeouts are set to it only so that it drops the stalled
 * connection; the bound the app relies on is `within()`.
 */
export const userQueryDeadlineMs = storeDeadlineMs;

/**
 * The listening connection answers a heartbeat this often, and an answer keeps the cache
 * trusted this long: a change made on another instance is refused here within about
 * `freshForMs` even if the connection stalls silently (usually within milliseconds).
 */
const heartbeatMs = 250;
const freshForMs = 1_000;
/** A lost listening connection is opened again after this pause. */
const reconnectMs = 500;

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
const createSchema = (pool: pg.Pool, table: string): Promise<void> =>
  createLocked(pool, table, [
    `CREATE TABLE IF NOT EXISTS ${table} (
      id text PRIMARY KEY,
      username text NOT NULL,
      username_key text COLLATE "C" NOT NULL,
      password_hash text NOT NULL,
      created_at text NOT NULL,
      session_version integer NOT NULL DEFAULT 0
    )`,
    `CREATE UNIQUE INDEX IF NOT EXISTS ${table}_username_key ON ${table} (username_key)`,
  ]);

/**
 * One connection that LISTENs to the table's channel: every change to a user, from any
 * instance, arrives as a notification carrying its id, and the cache forgets that user.
 * The heartbeat proves the connection still delivers; on any failure the cache is dropped
 * whole and the connection opened again.
 */
class ChangeListener {
  #client: pg.Client | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(
    private readonly url: string,
    private readonly channel: string,
    private readonly cache: UserCache,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    if (this.#closed) return;
    const client = new pg.Client({
      connectionString: this.url,
      connectionTimeoutMillis: userQueryDeadlineMs,
      application_name: `${this.channel} listener`,
    });
    client.on('notification', (message) => {
      if (message.channel === this.channel && message.payload) this.cache.changed(message.payload);
    });
    client.on('error', (error) => this.#drop(client, error));
    client.on('end', () => this.#drop(client, new Error('connection ended')));
    this.#client = client;
    try {
      await within(userQueryDeadlineMs, client.connect());
      await within(userQueryDeadlineMs, client.query(`LISTEN ${this.channel}`));
    } catch (error) {
      this.#drop(client, error);
      return;
    }
    this.#beat(client);
  }

  #beat(client: pg.Client): void {
    this.#timer = setTimeout(async () => {
      const sentAt = performance.now();
      try {
        await within(userQueryDeadlineMs, client.query('SELECT 1'));
      } catch (error) {
        this.#drop(client, error);
        return;
      }
      if (this.#client !== client) return;
      this.cache.heard(sentAt, freshForMs);
      this.#beat(client);
    }, heartbeatMs);
  }

  #drop(client: pg.Client, error: unknown): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    clearTimeout(this.#timer);
    this.cache.lost();
    if (!this.#closed) {
      this.log.warn(
        `postgres user store: change notifications lost (${reasonOf(error)}); reading every user until back`,
      );
      this.#timer = setTimeout(() => void this.start(), reconnectMs);
    }
    this.#end(client);
  }

  #end(client: pg.Client): void {
    client.end().catch(() => {});
    // A stalled socket would hold end() open: cut it.
    (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    const client = this.#client;
    this.#client = undefined;
    if (client) this.#end(client);
  }
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
  readonly #now: () => number;
  /** The outage is logged when it starts and when it ends, not at each failed query. */
  readonly #outage: ReturnType<typeof outageLog>;
  /** The users this instance has read, good while the listener hears every change. */
  readonly cache = new UserCache();
  readonly #listener: ChangeListener;

  private constructor(pool: pg.Pool, url: string, table: string, log: Logger, now: () => number) {
    this.#pool = pool;
    this.#table = table;
    this.#outage = outageLog(
      log,
      (reason) => `postgres user store lost: ${reason}`,
      'postgres user store is back',
    );
    this.#now = now;
    // The channel is named after the table: two namespaces in one database never hear each other.
    this.#listener = new ChangeListener(url, table, this.cache, log);
    void this.#listener.start();
  }

  /** Connects and creates the table; an unreachable database stops start-up (DATABASE_URL, password masked). */
  static async open(
    { databaseUrl: url, sessionNamespace }: Pick<Config, 'databaseUrl' | 'sessionNamespace'>,
    log: Logger,
    now = Date.now,
  ): Promise<PostgresUserRepository> {
    // Safe unquoted: config allows only [a-z0-9_] starting with a letter.
    const table = `${sessionNamespace}_users`;
    const pool = boundedPool(url, { deadlineMs: userQueryDeadlineMs, max: 10 }, (error) =>
      log.warn(`postgres user store connection lost: ${reasonOf(error)}`),
    );
    try {
      await within(userQueryDeadlineMs * 2, createSchema(pool, table));
    } catch (error) {
      await pool.end().catch(() => {});
      throw new StoreUnreachableError('DATABASE_URL', url, error);
    }
    log.debug(`postgres user store ready: table ${table} on ${redactUrl(url)}`);
    return new PostgresUserRepository(pool, url, table, log, now);
  }

  async #query(text: string, values: unknown[]): Promise<Row[]> {
    try {
      const { rows } = await within(userQueryDeadlineMs, this.#pool.query<Row>(text, values));
      this.#outage.answered();
      return rows;
    } catch (error) {
      // A taken name is an answer, not an outage: a 409.
      if ((error as { code?: unknown }).code === '23505') throw new UsernameTakenError();
      this.#outage.failed(reasonOf(error));
      throw new UserStoreUnavailableError();
    }
  }

  async #one(text: string, values: unknown[]): Promise<User | undefined> {
    const [row] = await this.#query(text, values);
    return row ? toUser(row) : undefined;
  }

  findById(id: string): Promise<User | undefined> {
    return this.cache.read(id, () => this.#one(`SELECT ${columns} FROM ${this.#table} WHERE id = $1`, [id]));
  }

  findByUsername(username: string): Promise<User | undefined> {
    return this.#one(`SELECT ${columns} FROM ${this.#table} WHERE username_key = $1`, [
      usernameKey(username),
    ]);
  }

  async sessionVersion(id: string): Promise<number | undefined> {
    return (await this.findById(id))?.sessionVersion;
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
    const user = newUser(username, passwordHash, this.#now());
    await this.#insert(user);
    return user;
  }

  /**
   * One atomic UPDATE: two concurrent bumps on two instances give +2, never +1. Its NOTIFY
   * is part of the same statement, so it is sent if and only if the bump commits.
   */
  bumpSessionVersion(id: string): Promise<User | undefined> {
    return this.#change(id, `UPDATE ${this.#table} SET session_version = session_version + 1 WHERE id = $1`);
  }

  changePassword(id: string, passwordHash: string): Promise<User | undefined> {
    return this.#change(
      id,
      `UPDATE ${this.#table} SET password_hash = $2, session_version = session_version + 1 WHERE id = $1`,
      [passwordHash],
    );
  }

  async delete(id: string): Promise<boolean> {
    return (await this.#change(id, `DELETE FROM ${this.#table} WHERE id = $1`)) !== undefined;
  }

  /** Runs one UPDATE or DELETE of the user and announces it to every instance (the cache). */
  async #change(id: string, statement: string, values: unknown[] = []): Promise<User | undefined> {
    try {
      return await this.#one(
        `WITH changed AS (${statement} RETURNING ${columns})
         SELECT changed.*, pg_notify('${this.#table}', changed.id) FROM changed`,
        [id, ...values],
      );
    } finally {
      // Forgotten here at once, without waiting for the notification to come back.
      this.cache.changed(id);
    }
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

  async close(): Promise<void> {
    this.#listener.close();
    // A stalled connection would hold end() open for ever.
    await within(userQueryDeadlineMs, this.#pool.end()).catch(() => {});
  }
}
