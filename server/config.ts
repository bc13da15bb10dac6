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
   * `null` in development means "use the generated key in data/.session-secret".
   */
  sessionSecrets: string[] | null;
  /** @default 'cookie' */
  sessionStore: StoreKind;
  redisUrl: string;
  databaseUrl: string;
  /** Absolute lifetime of a session, in seconds, however active it is. @default 86400 */
  sessionTtlSeconds: number;
  /** A session unused for this many seconds ends. @default 1800 */
  sessionIdleSeconds: number;
  /** bcrypt work factor, 4..31. Each step doubles the time of a hash. @default 12 */
  bcryptCost: number;
  /** The lowdb user file. @default 'data/db.json' */
  dbFile: string;
  /** Believe X-Forwarded-For / -Proto from one reverse proxy in front of us. @default false */
  trustProxy: boolean;
  /** @default 'info' */
  logLevel: LogLevel;
  /**
   * Serve /api/lab/* (the replay oracle). On by default except in production, where a
   * class's demo must not ship as an oracle on a real site unless LAB_ENABLED=1.
   */
  labEnabled: boolean;
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
    sessionTtlSeconds,
    sessionIdleSeconds,
    bcryptCost: integer(env, 'BCRYPT_COST', 12, 4, 31),
    dbFile: text(env, 'DB_FILE', 'data/db.json'),
    trustProxy: flag(env, 'TRUST_PROXY'),
    logLevel: oneOf(env, 'LOG_LEVEL', logLevels, 'info'),
    labEnabled: mode !== 'production' || flag(env, 'LAB_ENABLED'),
  };
}
