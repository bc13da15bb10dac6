import { availableParallelism } from 'node:os';

// The one place the environment is read. Everything else receives a typed Config, so a
// bad value stops start-up here, with one line naming the variable, instead of failing
// later inside a request.

export const storeKinds = ['cookie', 'memory', 'redis', 'postgres'] as const;
export type StoreKind = (typeof storeKinds)[number];

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
  /** For SESSION_STORE=redis. @default 'redis://127.0.0.1:6379' */
  redisUrl: string;
  /** For SESSION_STORE=postgres. @default 'postgres://postgres@127.0.0.1:5432/postgres' */
  databaseUrl: string;
  /**
   * Names what a server-side store creates, so that two apps (or two spec runs) can share
   * one Redis or one database without seeing each other's sessions: Redis keys start with
   * `<namespace>:`, the PostgreSQL table is `<namespace>_sessions`.
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
  /** Absolute lifetime of a session, in seconds, however active it is. @default 86400 */
  sessionTtlSeconds: number;
  /** A session unused for this many seconds ends. @default 1800 */
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

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

export const minProductionSecretLength = 32;
/** OWASP's floor for bcrypt; below it only specs and a class's quick demos run. */
export const minProductionBcryptCost = 10;
// Becomes part of a PostgreSQL table name, unquoted-safe, and of Redis key names.
const namespacePattern = /^[a-z][a-z0-9_]{0,39}$/;
const maxHashWorkers = 256;
const oneYearInSeconds = 365 * 24 * 60 * 60;

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
  const sessionTtlSeconds = integer(env, 'SESSION_TTL_SECONDS', 86_400, 60, oneYearInSeconds);
  const sessionIdleSeconds = integer(env, 'SESSION_IDLE_SECONDS', 1_800, 60, oneYearInSeconds);
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
    redisUrl: text(env, 'REDIS_URL', 'redis://127.0.0.1:6379'),
    databaseUrl: text(env, 'DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/postgres'),
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
