import { availableParallelism } from 'node:os';
import { StartupError } from './startup-error.ts';

// The one place the environment is read. Everything else receives a typed Config, so a
// bad value stops start-up here, with one line naming the variable, instead of failing
// later inside a request.

export const storeKinds = ['cookie', 'memory', 'redis', 'postgres', 'memcached'] as const;
export type StoreKind = (typeof storeKinds)[number];

export const userStoreKinds = ['lowdb', 'postgres'] as const;
export type UserStoreKind = (typeof userStoreKinds)[number];

export const throttleStoreKinds = ['memory', 'redis', 'postgres'] as const;
export type ThrottleStoreKind = (typeof throttleStoreKinds)[number];

export const logLevels = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

export type RunMode = 'development' | 'production' | 'test';

export interface Config {
  mode: RunMode;
  /** TCP port. @default 3000 */
  port: number;
  /** Interface to listen on. @default '127.0.0.1' */
  host: string;
  /**
   * Session keys, newest first: the first seals, all of them open (key rotation).
   * `null` in development means "use the generated key in data/db.json.session-secret (DB_FILE + .session-secret)".
   */
  sessionSecrets: string[] | null;
  /** @default 'cookie' */
  sessionStore: StoreKind;
  /**
   * Where users live: the lowdb file DB_FILE, which one process owns, or the PostgreSQL
   * table `<namespace>_users` at DATABASE_URL, which any number of instances share.
   * @default 'lowdb'
   */
  userStore: UserStoreKind;
  /**
   * Where the brute-force counters live: in this process (one instance), or in Redis
   * (REDIS_URL) or PostgreSQL (DATABASE_URL), shared by every instance, so that a limit
   * holds however a load balancer spreads the attempts. @default 'memory'
   */
  throttleStore: ThrottleStoreKind;
  /** For SESSION_STORE=redis and THROTTLE_STORE=redis. @default 'redis://127.0.0.1:6379' */
  redisUrl: string;
  /** For SESSION_STORE, USER_STORE and THROTTLE_STORE=postgres. @default 'postgres://postgres@127.0.0.1:5432/postgres' */
  databaseUrl: string;
  /**
   * For SESSION_STORE=memcached: the servers, as MEMCACHED_SERVERS' comma-separated
   * `host:port` list. A key lives on one of them (hashed), so losing one loses its sessions.
   * @default ['127.0.0.1:11211']
   * @example MEMCACHED_SERVERS=10.0.0.5:11211,10.0.0.6:11211
   */
  memcachedServers: string[];
  /**
   * Names what a server-side store creates, so that two apps (or two spec runs) can share
   * one Redis or one database without seeing each other's sessions: Redis keys start with
   * `<namespace>:` (Memcached keys too), the PostgreSQL tables are `<namespace>_sessions`,
   * `<namespace>_users` and `<namespace>_throttle`.
   * @default 'cookie_lab'
   * @example 'cookie_lab_staging'
   */
  sessionNamespace: string;
  /**
   * How often the memory and PostgreSQL stores delete expired sessions, in seconds. Redis
   * needs none: every key carries its own TTL. Specs set 1 to watch a record go.
   * @default 600
   */
  sessionPruneSeconds: number;
  /**
   * Absolute lifetime of a session, in seconds, however active it is. At least
   * minSessionSeconds (5 outside production, so a class can watch a session end).
   * @default 86400
   */
  sessionTtlSeconds: number;
  /** A session unused for this many seconds ends (same minimum). @default 1800 */
  sessionIdleSeconds: number;
  /** bcrypt work factor, 4..31. Each step doubles the time of a hash. @default 12 */
  bcryptCost: number;
  /**
   * Worker threads that hash and verify passwords, so a login storm never stalls the
   * event loop. `0` hashes on the main thread with bcryptjs' async API instead (it still
   * blocks the loop in slices of about 100 ms; kept for the benchmark's contrast).
   * @default os.availableParallelism(), one thread per core
   * @example HASH_WORKERS=0
   */
  hashWorkers: number;
  /** The lowdb user file. @default 'data/db.json' */
  dbFile: string;
  /**
   * Believe X-Forwarded-For / -Proto / -Host from one reverse proxy in front of us: for the
   * client address (throttling), HTTPS (production refuses plain HTTP) and the origin
   * (cross-site checks). Unset, those headers are ignored everywhere. @default false
   */
  trustProxy: boolean;
  /** @default 'info' */
  logLevel: LogLevel;
  /**
   * Serve /api/lab/* (the replay oracle). On by default except in production, where a
   * class's demo must not ship as an oracle on a real site unless LAB_ENABLED=1.
   */
  labEnabled: boolean;
  /** How many failed logins and registrations pass before 429 (brute-force throttling). */
  limits: BruteForceLimits;
}

/**
 * How many failed logins and registrations are let through before 429. Only failures
 * count for logins; a success resets its account's count.
 */
export interface BruteForceLimits {
  /** Failed logins per account (from any address) in one window. @default 10 */
  loginFailuresPerAccount: number;
  /** Failed logins per client address (any accounts) in one window. @default 100 */
  loginFailuresPerAddress: number;
  /** The login window, in seconds. @default 900 (15 minutes) */
  loginWindowSeconds: number;
  /** Registration attempts per client address in one window. @default 50 */
  registrationsPerAddress: number;
  /** The registration window, in seconds. @default 3600 (one hour) */
  registrationWindowSeconds: number;
}

export class ConfigError extends StartupError {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
  }
}

export const minProductionSecretLength = 32;
/** OWASP's floor for bcrypt; below it only specs and a class's quick demos run. */
export const minProductionBcryptCost = 10;
// Becomes part of a PostgreSQL table name, unquoted-safe, and of Redis key names.
const namespacePattern = /^[a-z][a-z0-9_]{0,39}$/;
const maxHashWorkers = 256;
const oneYearInSeconds = 365 * 24 * 60 * 60;
/**
 * The shortest SESSION_IDLE_SECONDS and SESSION_TTL_SECONDS. Five seconds lets a class
 * watch both expiries on the lab page; production keeps a minute, since a real site that
 * logs people out every few seconds is a misconfiguration, not a choice.
 */
export function minSessionSeconds(mode: RunMode): number {
  return mode === 'production' ? 60 : 5;
}

type Env = Record<string, string | undefined>;

function text(env: Env, name: string, fallback: string): string {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? fallback : value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name, String(fallback));
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `expected a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) {
    throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  }
  return value;
}

function flag(env: Env, name: string): boolean {
  return ['1', 'true', 'yes'].includes(text(env, name, '').toLowerCase());
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = text(env, name, fallback);
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

function namespace(env: Env): string {
  const value = text(env, 'SESSION_NAMESPACE', 'cookie_lab');
  if (!namespacePattern.test(value)) {
    throw new ConfigError(
      'SESSION_NAMESPACE',
      `must be 1 to 40 lower-case letters, digits or "_", starting with a letter, got "${value}"`,
    );
  }
  return value;
}

// A host name or an IPv4 address, a colon, a port: what memjs parses (it has no IPv6 syntax).
const memcachedServerPattern = /^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})?:(\d{1,5})$/;

function memcachedServers(env: Env): string[] {
  const raw = text(env, 'MEMCACHED_SERVERS', '127.0.0.1:11211');
  const servers = raw.split(',').map((server) => server.trim());
  for (const server of servers) {
    const port = Number(memcachedServerPattern.exec(server)?.[2] ?? Number.NaN);
    if (!(port >= 1 && port <= 65_535)) {
      throw new ConfigError(
        'MEMCACHED_SERVERS',
        `expected comma-separated host:port (port 1 to 65535), got "${server}"`,
      );
    }
  }
  return servers;
}

function secrets(env: Env, mode: RunMode): string[] | null {
  const raw = env.SESSION_SECRET;
  if (raw === undefined || raw.trim() === '') {
    if (mode === 'production') {
      throw new ConfigError(
        'SESSION_SECRET',
        `is required in production: set at least ${minProductionSecretLength} random characters`,
      );
    }
    return null;
  }
  const keys = raw.split(',').map((key) => key.trim());
  if (keys.some((key) => key === '')) {
    throw new ConfigError('SESSION_SECRET', 'has an empty key in its comma-separated list');
  }
  if (mode === 'production') {
    const short = keys.findIndex((key) => key.length < minProductionSecretLength);
    if (short !== -1) {
      throw new ConfigError(
        'SESSION_SECRET',
        `key ${short + 1} has ${keys[short]!.length} characters; production needs at least ${minProductionSecretLength}`,
      );
    }
  }
  return keys;
}

function bcryptCost(env: Env, mode: RunMode): number {
  const cost = integer(env, 'BCRYPT_COST', 12, 4, 31);
  if (mode === 'production' && cost < minProductionBcryptCost) {
    throw new ConfigError(
      'BCRYPT_COST',
      `is ${cost}; production needs at least ${minProductionBcryptCost} (each step doubles an attacker's work)`,
    );
  }
  return cost;
}

function limits(env: Env): BruteForceLimits {
  const oneDayInSeconds = 24 * 60 * 60;
  return {
    loginFailuresPerAccount: integer(env, 'LOGIN_FAILURES_PER_ACCOUNT', 10, 1, 1_000_000),
    loginFailuresPerAddress: integer(env, 'LOGIN_FAILURES_PER_ADDRESS', 100, 1, 1_000_000),
    loginWindowSeconds: integer(env, 'LOGIN_WINDOW_SECONDS', 900, 1, oneDayInSeconds),
    registrationsPerAddress: integer(env, 'REGISTRATIONS_PER_ADDRESS', 50, 1, 1_000_000),
    registrationWindowSeconds: integer(env, 'REGISTRATION_WINDOW_SECONDS', 3_600, 1, oneDayInSeconds),
  };
}

export function loadConfig(env: Env = process.env): Config {
  const mode = oneOf<RunMode>(env, 'NODE_ENV', ['development', 'production', 'test'], 'development');
  const shortest = minSessionSeconds(mode);
  const sessionTtlSeconds = integer(env, 'SESSION_TTL_SECONDS', 86_400, shortest, oneYearInSeconds);
  const sessionIdleSeconds = integer(env, 'SESSION_IDLE_SECONDS', 1_800, shortest, oneYearInSeconds);
  if (sessionIdleSeconds > sessionTtlSeconds) {
    throw new ConfigError(
      'SESSION_IDLE_SECONDS',
      `(${sessionIdleSeconds}) cannot exceed SESSION_TTL_SECONDS (${sessionTtlSeconds})`,
    );
  }
  return {
    mode,
    port: integer(env, 'PORT', 3000, 0, 65_535),
    host: text(env, 'HOST', '127.0.0.1'),
    sessionSecrets: secrets(env, mode),
    sessionStore: oneOf(env, 'SESSION_STORE', storeKinds, 'cookie'),
    userStore: oneOf(env, 'USER_STORE', userStoreKinds, 'lowdb'),
    throttleStore: oneOf(env, 'THROTTLE_STORE', throttleStoreKinds, 'memory'),
    redisUrl: text(env, 'REDIS_URL', 'redis://127.0.0.1:6379'),
    databaseUrl: text(env, 'DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/postgres'),
    memcachedServers: memcachedServers(env),
    sessionNamespace: namespace(env),
    sessionPruneSeconds: integer(env, 'SESSION_PRUNE_SECONDS', 600, 1, 86_400),
    sessionTtlSeconds,
    sessionIdleSeconds,
    bcryptCost: bcryptCost(env, mode),
    hashWorkers: integer(env, 'HASH_WORKERS', availableParallelism(), 0, maxHashWorkers),
    dbFile: text(env, 'DB_FILE', 'data/db.json'),
    trustProxy: flag(env, 'TRUST_PROXY'),
    logLevel: oneOf(env, 'LOG_LEVEL', logLevels, 'info'),
    labEnabled: mode !== 'production' || flag(env, 'LAB_ENABLED'),
    limits: limits(env),
  };
}
