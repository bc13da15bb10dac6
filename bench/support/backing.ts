import pg from 'pg';
import { dumpKeys } from '../../server/sessions/server-side/memcached-dump.ts';
import { statsOfAll } from '../../server/sessions/server-side/memcached.ts';
import { memcachedClient } from '../../spec/support/memcached.ts';
import { createClient } from 'redis';

// What the server-side stores keep outside the server process, so RSS is not the whole
// bill: Redis' own memory, PostgreSQL's table, Memcached's item bytes. Each bench run has its own namespace and
// removes what it wrote.

export const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const memcachedServers = process.env.MEMCACHED_SERVERS ?? '127.0.0.1:11211';

/** Redis' used_memory, in bytes. */
export async function redisUsedMemory(): Promise<number> {
  const client = await createClient({ url: redisUrl }).connect();
  try {
    const info = await client.info('memory');
    return Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? Number.NaN);
  } finally {
    client.destroy();
  }
}

/** Memcached's `bytes` (what its items take), summed over the servers. */
export async function memcachedBytes(): Promise<number> {
  const client = memcachedClient(memcachedServers);
  try {
    return (await statsOfAll(client)).reduce((sum, stats) => sum + Number(stats.bytes), 0);
  } finally {
    client.close();
  }
}

/** Bytes of the session table with its indexes. */
export async function postgresTableBytes(namespace: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const result = await client.query<{ bytes: string }>(
      'SELECT pg_total_relation_size($1::regclass) AS bytes',
      [`${namespace}_sessions`],
    );
    return Number(result.rows[0]?.bytes ?? Number.NaN);
  } finally {
    await client.end();
  }
}

/** Deletes every key and table this run's namespace created; quiet when there are none. */
export async function removeNamespace(namespace: string): Promise<void> {
  await Promise.allSettled([
    (async () => {
      const client = await createClient({ url: redisUrl }).connect();
      try {
        for await (const keys of client.scanIterator({ MATCH: `${namespace}:*`, COUNT: 1000 })) {
          if (keys.length) await client.del(keys);
        }
      } finally {
        client.destroy();
      }
    })(),
    (async () => {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        await client.query(`DROP TABLE IF EXISTS ${namespace}_sessions`);
      } finally {
        await client.end();
      }
    })(),
    (async () => {
      // Memcached cannot delete by prefix: find the keys with its crawler, one delete each.
      const client = memcachedClient(memcachedServers);
      try {
        for (const server of memcachedServers.split(',')) {
          for (const key of await dumpKeys(server, `${namespace}:`, 10_000)) await client.delete(key);
        }
      } finally {
        client.close();
      }
    })(),
  ]);
}
