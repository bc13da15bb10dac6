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

interface Setting {
  /** The value when the variable is unset or empty; null: none (see `shown`). */
  readonly default: string | null;
  /** How docs/api.md shows the default, when the value itself would mislead. */
  readonly shown?: string;
  /** What it does, as docs/api.md's table says it (markdown). */
  readonly meaning: string;
}

/**
 * Every variable the server reads, its default and its meaning: the one place each default
 * is written. loadConfig takes the defaults from here, and docs/api.md's configuration table
 * is generated from it (`npm run docs:config`; `npm run docs:check` fails on a stale table).
 */
export const settings = {
  PORT: { default: '3000', meaning: 'the TCP port to listen on; `0` takes any free one' },
  HOST: { default: '127.0.0.1', meaning: 'the interface to listen on' },
  NODE_ENV: {
    default: 'development',
    meaning:
      '`production` makes every unsafe default an error and names the cookie `__Host-session`, `Secure`; `test` as development',
  },
  SESSION_SECRET: {
    default: null,
    shown: 'development: saved in `<DB_FILE>.session-secret`',
    meaning:
      'comma-separated keys, newest first: the first seals, all of them open (rotation); production: required, ≥ 32 characters each',
  },
  SESSION_STORE: { default: 'cookie', meaning: '`cookie`, `memory`, `redis`, `postgres` or `memcached`' },
  USER_STORE: {
    default: 'lowdb',
    meaning:
      '`lowdb` (the file `DB_FILE`, one process) or `postgres` (`DATABASE_URL`, table `<SESSION_NAMESPACE>_users`, any number of instances)',
  },
  THROTTLE_STORE: {
    default: 'memory',
    meaning:
      'where failed-login counters live: `memory` (this process), `redis` or `postgres` (shared by instances; 503 while down)',
  },
  REDIS_URL: {
    default: 'redis://127.0.0.1:6379',
    meaning: 'for `SESSION_STORE=redis` and `THROTTLE_STORE=redis`',
  },
  DATABASE_URL: {
    default: 'postgres://postgres@127.0.0.1:5432/postgres',
    meaning: 'for `SESSION_STORE`, `USER_STORE` and `THROTTLE_STORE=postgres`',
  },
  MEMCACHED_SERVERS: {
    default: '127.0.0.1:11211',
    meaning:
      'for `SESSION_STORE=memcached`: comma-separated `host:port`; a key lives on one of them, so losing one loses its sessions',
  },
  SESSION_NAMESPACE: {
    default: 'cookie_lab',
    meaning:
      'names what the app creates: Redis and Memcached keys `<namespace>:…`, the PostgreSQL tables `<namespace>_sessions`, `_users`, `_throttle`; 1 to 40 lower-case letters, digits or `_`, starting with a letter',
  },
  SESSION_PRUNE_SECONDS: {
    default: '600',
    meaning: 'how often memory and PostgreSQL delete expired sessions (Redis expires each key by itself)',
  },
  SESSION_TTL_SECONDS: {
    default: '86400',
    meaning:
      'absolute lifetime of a session, however active; at least 5 (60 in production), so a class can watch one end',
  },
  SESSION_IDLE_SECONDS: {
    default: '1800',
    meaning: 'a session unused this long ends; at least 5 (60 in production), at most `SESSION_TTL_SECONDS`',
  },
  BCRYPT_COST: {
    default: '12',
    meaning:
      "bcrypt work factor, 4..31, each step doubling a hash's time; production: at least 10 (the specs use 4)",
  },
  HASH_WORKERS: {
    default: String(availableParallelism()),
    shown: 'one per core',
    meaning:
      'worker threads that hash passwords off the event loop; `0`: bcryptjs on the main thread (for contrast)',
  },
  DB_FILE: {
    default: 'data/db.json',
    meaning:
      'the lowdb user file; one server process at a time (see [the user file](reference.md#the-user-file))',
  },
  TRUST_PROXY: {
    default: null,
    shown: 'unset',
    meaning:
      '`1` behind one reverse proxy: believe `X-Forwarded-For` / `-Proto` / `-Host` (throttling, HTTPS, same-origin checks)',
  },
  LOG_LEVEL: {
    default: 'info',
    meaning: '`debug` also says why a cookie was refused; `warn` for benchmarks; `silent`',
  },
  LAB_ENABLED: {
    default: null,
    shown: 'unset',
    meaning:
      '`1` serves the replay and silent-drop labs in production (always on in development); the leaked-key lab never runs in production',
  },
  LOGIN_FAILURES_PER_ACCOUNT: {
    default: '10',
    meaning: 'failed logins per account (from any address) per window, then 429 `too_many_attempts`',
  },
  LOGIN_FAILURES_PER_ADDRESS: {
    default: '100',
    meaning: 'failed logins per client address (any accounts; IPv6 by /64) per window',
  },
  LOGIN_WINDOW_SECONDS: { default: '900', meaning: 'the failed-login window (15 minutes)' },
  REGISTRATIONS_PER_ADDRESS: {
    default: '50',
    meaning: 'registration attempts per client address per window',
  },
  REGISTRATION_WINDOW_SECONDS: { default: '3600', meaning: 'the registration window (one hour)' },
} as const satisfies Record<string, Setting>;

type SettingName = keyof typeof settings;

/** What the server runs with: each field comes from the variable of `settings` it is named after. */
export interface Config {
  mode: RunMode;
  port: number;
  host: string;
  /** Keys, newest first; null in development means "the generated key file beside DB_FILE". */
  sessionSecrets: string[] | null;
  sessionStore: StoreKind;
  userStore: UserStoreKind;
  throttleStore: ThrottleStoreKind;
  redisUrl: string;
  databaseUrl: string;
  memcachedServers: string[];
  sessionNamespace: string;
  sessionPruneSeconds: number;
  sessionTtlSeconds: number;
  sessionIdleSeconds: number;
  bcryptCost: number;
  /** 0: bcryptjs on the main thread. */
  hashWorkers: number;
  dbFile: string;
  trustProxy: boolean;
  logLevel: LogLevel;
  /** Serve /api/lab/*: always outside production, in production only with LAB_ENABLED. */
  labEnabled: boolean;
  limits: BruteForceLimits;
}

/**
 * How many failed logins and registrations are let through before 429. Only failures
 * count for logins; a success resets its account's count.
 */
export interface BruteForceLimits {
  loginFailuresPerAccount: number;
  loginFailuresPerAddress: number;
  loginWindowSeconds: number;
  registrationsPerAddress: number;
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

/** The variable's value, or its default from `settings` when unset or empty. */
function text(env: Env, name: SettingName): string {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? (settings[name].default ?? '') : value;
}

function integer(env: Env, name: SettingName, min: number, max: number): number {
  const raw = text(env, name);
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `expected a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) {
    throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  }
  return value;
}

function flag(env: Env, name: SettingName): boolean {
  return ['1', 'true', 'yes'].includes(text(env, name).toLowerCase());
}

function oneOf<T extends string>(env: Env, name: SettingName, allowed: readonly T[]): T {
  const raw = text(env, name);
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

function namespace(env: Env): string {
  const value = text(env, 'SESSION_NAMESPACE');
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
  const servers = text(env, 'MEMCACHED_SERVERS')
    .split(',')
    .map((server) => server.trim());
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
  const cost = integer(env, 'BCRYPT_COST', 4, 31);
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
    loginFailuresPerAccount: integer(env, 'LOGIN_FAILURES_PER_ACCOUNT', 1, 1_000_000),
    loginFailuresPerAddress: integer(env, 'LOGIN_FAILURES_PER_ADDRESS', 1, 1_000_000),
    loginWindowSeconds: integer(env, 'LOGIN_WINDOW_SECONDS', 1, oneDayInSeconds),
    registrationsPerAddress: integer(env, 'REGISTRATIONS_PER_ADDRESS', 1, 1_000_000),
    registrationWindowSeconds: integer(env, 'REGISTRATION_WINDOW_SECONDS', 1, oneDayInSeconds),
  };
}

export function loadConfig(env: Env = process.env): Config {
  const mode = oneOf<RunMode>(env, 'NODE_ENV', ['development', 'production', 'test']);
  const shortest = minSessionSeconds(mode);
  const sessionTtlSeconds = integer(env, 'SESSION_TTL_SECONDS', shortest, oneYearInSeconds);
  const sessionIdleSeconds = integer(env, 'SESSION_IDLE_SECONDS', shortest, oneYearInSeconds);
  if (sessionIdleSeconds > sessionTtlSeconds) {
    throw new ConfigError(
      'SESSION_IDLE_SECONDS',
      `(${sessionIdleSeconds}) cannot exceed SESSION_TTL_SECONDS (${sessionTtlSeconds})`,
    );
  }
  return {
    mode,
    port: integer(env, 'PORT', 0, 65_535),
    host: text(env, 'HOST'),
    sessionSecrets: secrets(env, mode),
    sessionStore: oneOf(env, 'SESSION_STORE', storeKinds),
    userStore: oneOf(env, 'USER_STORE', userStoreKinds),
    throttleStore: oneOf(env, 'THROTTLE_STORE', throttleStoreKinds),
    redisUrl: text(env, 'REDIS_URL'),
    databaseUrl: text(env, 'DATABASE_URL'),
    memcachedServers: memcachedServers(env),
    sessionNamespace: namespace(env),
    sessionPruneSeconds: integer(env, 'SESSION_PRUNE_SECONDS', 1, 86_400),
    sessionTtlSeconds,
    sessionIdleSeconds,
    bcryptCost: bcryptCost(env, mode),
    hashWorkers: integer(env, 'HASH_WORKERS', 0, maxHashWorkers),
    dbFile: text(env, 'DB_FILE'),
    trustProxy: flag(env, 'TRUST_PROXY'),
    logLevel: oneOf(env, 'LOG_LEVEL', logLevels),
    labEnabled: mode !== 'production' || flag(env, 'LAB_ENABLED'),
    limits: limits(env),
  };
}
