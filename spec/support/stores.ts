import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createClient } from 'redis';
import { storeKinds, userStoreKinds, type StoreKind, type UserStoreKind } from '../../server/config.ts';
import { statsOfAll } from '../../server/sessions/server-side/memcached.ts';
import { dumpKeys } from '../../server/sessions/server-side/memcached-dump.ts';
import { memcachedClient } from './memcached.ts';

// One spec suite, every store: forEachStore() runs a describe once per SESSION_STORE.
// Redis, PostgreSQL and Memcached are the real services on 127.0.0.1. Without them a local run marks
// those suites pending and says why; under CI=true a missing service fails the run.

export const serverSideKinds = [
  'memory',
  'redis',
  'postgres',
  'memcached',
] as const satisfies readonly StoreKind[];

export const specRedisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const specDatabaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const specMemcachedServers = process.env.MEMCACHED_SERVERS ?? '127.0.0.1:11211';

/** Every name this run creates in Redis, PostgreSQL or Memcached starts with this, so parallel runs never meet. */
const runPrefix = `cl_spec_${process.pid}_${randomBytes(3).toString('hex')}`;
let namespaces = 0;
const used = { redis: false, postgres: false, memcached: false };

export interface StoreUnderTest {
  kind: StoreKind;
  /** Where the users live (USER_STORE). */
  userStore: UserStoreKind;
  /**
   * The environment for testApp() that selects this store, with a namespace of its own
   * (fresh Redis keys, a fresh table). Pass the same object to two apps to share a store.
   */
  env(extra?: Record<string, string>): Record<string, string>;
}

function envFor(
  kind: StoreKind,
  userStore: UserStoreKind,
  extra: Record<string, string>,
): Record<string, string> {
  const namespace = `${runPrefix}_${++namespaces}`;
  if (kind === 'redis') used.redis = true;
  if (kind === 'postgres' || userStore === 'postgres') used.postgres = true;
  if (kind === 'memcached') used.memcached = true;
  return {
    SESSION_STORE: kind,
    USER_STORE: userStore,
    SESSION_NAMESPACE: namespace,
    REDIS_URL: specRedisUrl,
    DATABASE_URL: specDatabaseUrl,
    MEMCACHED_SERVERS: specMemcachedServers,
    ...extra,
  };
}

async function redisProblem(): Promise<string | null> {
  const client = createClient({
    url: specRedisUrl,
    socket: { reconnectStrategy: false, connectTimeout: 1_000 },
  });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
    return null;
  } catch (error) {
    return `Redis does not answer at ${specRedisUrl} (${(error as Error).message})`;
  } finally {
    client.destroy();
  }
}

async function postgresProblem(): Promise<string | null> {
  const client = new pg.Client({ connectionString: specDatabaseUrl, connectionTimeoutMillis: 1_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    return `PostgreSQL does not answer at ${specDatabaseUrl} (${(error as Error).message})`;
  } finally {
    await client.end().catch(() => {});
  }
}

async function memcachedProblem(): Promise<string | null> {
  const client = memcachedClient(specMemcachedServers);
  try {
    await statsOfAll(client);
    return null;
  } catch (error) {
    return `Memcached does not answer at ${specMemcachedServers} (${(error as Error).message})`;
  } finally {
    client.close();
  }
}

const probes = new Map<StoreKind, Promise<string | null>>();

/** Why this store's suite cannot run here, or null when its service answers. Asked once per run. */
export function serviceProblem(kind: StoreKind): Promise<string | null> {
  if (!probes.has(kind)) {
    probes.set(
      kind,
      kind === 'redis'
        ? redisProblem()
        : kind === 'postgres'
          ? postgresProblem()
          : kind === 'memcached'
            ? memcachedProblem()
            : Promise.resolve(null),
    );
  }
  return probes.get(kind)!;
}

const reported = new Set<StoreKind>();

/** A before() hook: the suite pends locally without the service, and fails under CI=true. */
export function needService(kind: StoreKind) {
  return async function (this: Mocha.Context) {
    const problem = await serviceProblem(kind);
    if (!problem) return;
    const start = { redis: 'redis-server', postgres: 'pg_ctlcluster', memcached: 'memcached -d' }[
      kind as 'redis' | 'postgres' | 'memcached'
    ];
    if (process.env.CI === 'true') {
      throw new Error(`CI=true needs every store: ${problem}. .ci/run starts it (${start}).`);
    }
    if (!reported.has(kind)) {
      reported.add(kind);
      console.log(`    (${kind} suites pending: ${problem}; start it as .ci/run does to run them)`);
    }
    this.skip();
  };
}

/** Runs `body` inside one describe per store kind: `title [cookie]`, `title [memory]`, ... */
export function forEachStore(
  title: string,
  body: (store: StoreUnderTest) => void,
  kinds: readonly StoreKind[] = storeKinds,
): void {
  for (const kind of kinds) {
    describe(`${title} [${kind}]`, function () {
      before(needService(kind));
      body({ kind, userStore: 'lowdb', env: (extra = {}) => envFor(kind, 'lowdb', extra) });
    });
  }
}

/**
 * Runs `body` once per user store, with cookie sessions: `title [users: lowdb]`,
 * `title [users: postgres]`. Every instance given the same env shares one user table.
 */
export function forEachUserStore(
  title: string,
  body: (store: StoreUnderTest) => void,
  kinds: readonly UserStoreKind[] = userStoreKinds,
): void {
  for (const userStore of kinds) {
    describe(`${title} [users: ${userStore}]`, function () {
      if (userStore === 'postgres') before(needService('postgres'));
      body({ kind: 'cookie', userStore, env: (extra = {}) => envFor('cookie', userStore, extra) });
    });
  }
}

/**
 * Every session store with users in the lowdb file, then users in PostgreSQL: the suites
 * that say what the app does (journey, contract, revocation) hold for both user stores.
 */
export function forEveryStore(title: string, body: (store: StoreUnderTest) => void): void {
  forEachStore(title, body);
  forEachUserStore(title, body, ['postgres']);
}

/** Keys under a namespace, straight from Redis: what `redis-cli --scan` would show. */
export async function redisKeys(namespace: string, pattern = '*'): Promise<string[]> {
  const client = createClient({ url: specRedisUrl });
  await client.connect();
  try {
    const keys: string[] = [];
    for await (const batch of client.scanIterator({ MATCH: `${namespace}:${pattern}`, COUNT: 500 })) {
      keys.push(...batch);
    }
    return keys.sort();
  } finally {
    client.destroy();
  }
}

/** Keys under a namespace on the spec's Memcached, from its LRU crawler (it has no SCAN). */
export async function memcachedKeys(namespace: string, prefix = ''): Promise<string[]> {
  const keys = await Promise.all(
    specMemcachedServers.split(',').map((server) => dumpKeys(server, `${namespace}:${prefix}`, 5_000)),
  );
  return keys.flat().sort();
}

/** Runs one query against the spec database with a connection of its own. */
export async function sql<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: specDatabaseUrl });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

// Leave nothing behind: this run's keys and tables go when the run ends.
after(async function () {
  this.timeout(20_000);
  if (used.redis && !(await serviceProblem('redis'))) {
    const client = createClient({ url: specRedisUrl });
    await client.connect();
    for await (const keys of client.scanIterator({ MATCH: `${runPrefix}_*`, COUNT: 1000 })) {
      if (keys.length > 0) await client.del(keys);
    }
    client.destroy();
  }
  if (used.postgres && !(await serviceProblem('postgres'))) {
    const tables = await sql<{ name: string }>(
      `SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE $1`,
      [`${runPrefix}%`],
    );
    for (const { name } of tables) await sql(`DROP TABLE IF EXISTS ${name}`);
  }
  if (used.memcached && !(await serviceProblem('memcached'))) {
    const client = memcachedClient(specMemcachedServers);
    for (const server of specMemcachedServers.split(',')) {
      for (const key of await dumpKeys(server, `${runPrefix}_`, 5_000)) await client.delete(key);
    }
    client.close();
  }
});
