import type pg from 'pg';
import { boundedPool, createLocked } from '../postgres.ts';
import {
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRedis,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import { connectRedis } from '../redis.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { HttpError } from './errors.ts';
import { isRefusal } from './too-many-attempts.ts';
import { outageLog, reasonOf, redactUrl, StoreUnreachableError, within } from '../services.ts';

/**
 * Every call to a shared throttle store ends by then. A login makes two of them before it
 * checks a password, so a stalled Redis or PostgreSQL answers 503 in about 2 s at worst,
 * instead of holding the login open for as long as the driver would wait.
 */
export const throttleCallDeadlineMs = 1_000;

/** What the login and registration throttles ask of a limiter: rate-limiter-flexible's own calls. */
export type Limiter = Pick<RateLimiterAbstract, 'consume' | 'reward' | 'delete'>;

export interface LimiterOptions {
  /** Names the counter; keys are `<keyPrefix>:<key>`. */
  keyPrefix: string;
  points: number;
  /** The window, in seconds. */
  duration: number;
}

export interface ThrottleStore {
  limiter(options: LimiterOptions): Limiter;
  close(): Promise<void>;
}

/**
 * The throttle store is down or stalled: fail closed. A per-process insurance limiter was
 * the alternative, and rejected: behind a load balancer each of N instances would count on
 * its own, so an outage would quietly multiply every limit by N (the account limit of 3
 * would let 3N guesses through), and nothing would tell anyone that it happened. Sessions
 * already issued keep working; only logins and registrations wait for the store.
 */
export const throttleStoreUnavailable = (kind: string): HttpError =>
  new HttpError(
    503,
    'throttle_store_unavailable',
    `The attempt counter (${kind}) is not answering, so logins and registrations are paused. Try again in a moment.`,
    { 'Retry-After': '1' },
  );

/** The store's outage told once: the first failed call says it is lost, the first answer after it says it is back. */
const throttleOutage = (kind: string, log: Logger) =>
  outageLog(
    log,
    (reason) =>
      `${kind} throttle store lost (${reason}); logins and registrations answer 503 until it answers`,
    `${kind} throttle store is back`,
  );

/** A store-backed limiter whose every call is bounded: a refusal (429) passes, any failure is a 503. */
function bounded(inner: RateLimiterAbstract, kind: string, outage: ReturnType<typeof outageLog>): Limiter {
  const guard =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        const answer = await within(throttleCallDeadlineMs, call.apply(inner, args));
        outage.answered();
        return answer;
      } catch (error) {
        // A refusal is the store answering: the attempt is over its limit.
        if (isRefusal(error)) {
          outage.answered();
          throw error;
        }
        outage.failed(reasonOf(error));
        throw throttleStoreUnavailable(kind);
      }
    };
  return {
    consume: guard(inner.consume),
    reward: guard(inner.reward),
    delete: guard(inner.delete),
  };
}

async function redisThrottle(config: Config, log: Logger): Promise<ThrottleStore> {
  const client = await connectRedis(config.redisUrl, {
    commandTimeoutMs: throttleCallDeadlineMs,
    connectTimeoutMs: throttleCallDeadlineMs * 2,
    maxReconnectDelayMs: 2_000,
    // Details only: the outage line tells the operator, once.
    onError: (error) => log.debug(`redis throttle store: ${reasonOf(error)}`),
  });
  const outage = throttleOutage('redis', log);
  return {
    limiter: ({ keyPrefix, ...window }) =>
      bounded(
        new RateLimiterRedis({
          storeClient: client,
          // The `redis` v4+ client: without this flag rate-limiter-flexible speaks ioredis to
          // it, and every call throws "rlflxIncr is not a function".
          useRedisPackage: true,
          rejectIfRedisNotReady: true,
          keyPrefix: `${config.sessionNamespace}:${keyPrefix}`,
          ...window,
        }),
        'redis',
        outage,
      ),
    async close() {
      client.destroy();
    },
  };
}

/**
 * The counters' table, created here under an advisory lock: rate-limiter-flexible's own
 * CREATE TABLE IF NOT EXISTS runs unlocked, and instances starting together race on it.
 * The columns are the ones the library reads and writes.
 */
const createThrottleTable = (pool: pg.Pool, table: string): Promise<void> =>
  createLocked(pool, table, [
    `CREATE TABLE IF NOT EXISTS ${table} (
      key varchar(255) PRIMARY KEY,
      points integer NOT NULL DEFAULT 0,
      expire bigint
    )`,
  ]);

async function postgresThrottle(config: Config, log: Logger): Promise<ThrottleStore> {
  // Safe unquoted: config allows only [a-z0-9_] starting with a letter.
  const table = `${config.sessionNamespace}_throttle`;
  const pool = boundedPool(config.databaseUrl, { deadlineMs: throttleCallDeadlineMs, max: 5 }, (error) =>
    // Details only: the outage line tells the operator, once.
    log.debug(`postgres throttle store connection lost: ${reasonOf(error)}`),
  );
  try {
    await within(throttleCallDeadlineMs * 3, createThrottleTable(pool, table));
  } catch (error) {
    await pool.end().catch(() => {});
    throw new StoreUnreachableError('DATABASE_URL', config.databaseUrl, error);
  }
  log.debug(`postgres throttle store ready: table ${table} on ${redactUrl(config.databaseUrl)}`);
  const outage = throttleOutage('postgres', log);
  return {
    limiter: (options) =>
      bounded(
        new RateLimiterPostgres({
          storeClient: pool,
          storeType: 'pool',
          tableName: table,
          tableCreated: true,
          ...options,
        }),
        'postgres',
        outage,
      ),
    async close() {
      await within(throttleCallDeadlineMs, pool.end()).catch(() => {});
    },
  };
}

/** The counters THROTTLE_STORE names, connected: start-up stops with one line if they are not reachable. */
export async function openThrottleStore(config: Config, log: Logger): Promise<ThrottleStore> {
  if (config.throttleStore === 'redis') return redisThrottle(config, log);
  if (config.throttleStore === 'postgres') return postgresThrottle(config, log);
  return {
    // Per process: right for one instance, and each instance counts alone behind a balancer.
    limiter: (options) => new RateLimiterMemory(options),
    async close() {},
  };
}
