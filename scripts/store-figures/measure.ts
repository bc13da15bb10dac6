import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createClient } from 'redis';
import { boot } from '../../server/boot.ts';
import { loadConfig, type StoreKind } from '../../server/config.ts';
import { createLogger } from '../../server/log.ts';
import { OwnRedis } from '../../spec/support/outage.ts';
import { listen } from './listen.ts';
import { commandsBetween, memcachedCommands, memcachedRecordSize, memcachedServers } from './memcached.ts';

// One real app per store: log in, count the store's commands for a few requests, look at
// what the store holds, then grow the session with a note.

let redisUrl = '';
export const requestsCounted = 20;
export const noteCharacters = 2000;
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const namespace = `cookie_lab_figures_${process.pid}`;
const alice = { username: 'alice', password: 'correct horse battery' };

export interface StoreFigures {
  kind: StoreKind;
  loginBytes: number;
  noteBytes: number | string;
  shown: string;
  recordBytes: string;
  /** Store commands for `requestsCounted` requests to GET /api/me, counted by Redis or Memcached itself. */
  commands?: string;
}

export async function startRedis(): Promise<OwnRedis> {
  const redis = await new OwnRedis().start();
  redisUrl = redis.url;
  return redis;
}

async function commandStats(): Promise<Map<string, number>> {
  const client = createClient({ url: redisUrl });
  await client.connect();
  const info = await client.info('commandstats');
  client.destroy();
  const calls = new Map<string, number>();
  for (const match of info.matchAll(/^cmdstat_(\w+):calls=(\d+)/gm)) calls.set(match[1]!, Number(match[2]));
  return calls;
}

async function recordSize(kind: StoreKind, cookie: string): Promise<string> {
  if (kind === 'cookie') return 'nothing: the server keeps no session';
  if (kind === 'memcached') return memcachedRecordSize(namespace, cookie);
  if (kind === 'memory') return 'one JSON string like the Redis value, in the heap of this process';
  if (kind === 'redis') {
    const client = createClient({ url: redisUrl });
    await client.connect();
    const [key] = await client.keys(`${namespace}:sess:*`);
    const [json, bytes] = [await client.strLen(key!), await client.memoryUsage(key!)];
    client.destroy();
    return `${json} bytes of JSON; \`MEMORY USAGE\` ${bytes} bytes`;
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const { rows } = await client.query<{ json: number; row: number }>(
    `SELECT octet_length(sess::text)::int AS json, pg_column_size(t.*)::int AS row FROM ${namespace}_sessions t LIMIT 1`,
  );
  await client.end();
  return `${rows[0]!.json} bytes of JSON; a ${rows[0]!.row}-byte row`;
}

export async function measure(kind: StoreKind): Promise<StoreFigures> {
  const dir = await mkdtemp(path.join(tmpdir(), 'cookie-lab-figures-'));
  const config = loadConfig({
    SESSION_STORE: kind,
    SESSION_SECRET: 'figures-secret-0123456789-0123456789',
    SESSION_NAMESPACE: namespace,
    REDIS_URL: redisUrl,
    DATABASE_URL: databaseUrl,
    MEMCACHED_SERVERS: memcachedServers(),
    DB_FILE: path.join(dir, 'db.json'),
    BCRYPT_COST: '4',
  });
  const booted = await boot(config, createLogger('warn'), {
    // A measuring run on its own temp file: a lost lock is a bug worth a crash.
    onUserFileLost: (error) => {
      throw error;
    },
  });
  const server = await listen(booted.app);
  const post = (route: string, body: unknown, cookie = '', method = 'POST') =>
    fetch(server.url + route, {
      method,
      headers: { 'Content-Type': 'application/json', Cookie: cookie },
      body: JSON.stringify(body),
    });
  try {
    await post('/api/register', alice);
    const login = await post('/api/login', alice);
    const line = login.headers.getSetCookie().find((header) => header.startsWith('session='))!;
    const cookie = line.split(';')[0]!;
    const recordBytes = await recordSize(kind, cookie);
    const before = kind === 'redis' ? await commandStats() : undefined;
    const memcachedBefore = kind === 'memcached' ? await memcachedCommands() : undefined;
    for (let i = 0; i < requestsCounted; i++) {
      const me = await fetch(server.url + '/api/me', { headers: { Cookie: cookie } });
      if (me.status !== 200) throw new Error(`GET /api/me answered ${me.status}`);
    }
    let commands: string | undefined;
    if (before) {
      const after = await commandStats();
      commands = [...after]
        .map(([name, calls]) => [name, calls - (before.get(name) ?? 0)] as const)
        .filter(([name, calls]) => calls > 0 && !['info', 'hello', 'client', 'select'].includes(name))
        .map(([name, calls]) => `${name.toUpperCase()} ×${calls}`)
        .join(', ');
    }
    if (memcachedBefore) commands = commandsBetween(memcachedBefore, await memcachedCommands());
    const note = await post('/api/session/notes', { text: 'x'.repeat(noteCharacters) }, cookie, 'PUT');
    const noted = (await note.json()) as { bytes?: number; error?: string };
    const shown = cookie.length > 90 ? `${cookie.slice(0, 60)}…${cookie.slice(-20)}` : cookie;
    const figures: StoreFigures = {
      kind,
      loginBytes: Buffer.byteLength(line),
      noteBytes: noted.bytes ?? `refused (${note.status} ${noted.error})`,
      shown,
      recordBytes,
      commands,
    };
    await post('/api/logout', {}, cookie);
    return figures;
  } finally {
    await server.close();
    await booted.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function cleanUp(): Promise<void> {
  const client = createClient({ url: redisUrl });
  await client.connect();
  const keys = await client.keys(`${namespace}:*`);
  if (keys.length > 0) await client.del(keys);
  client.destroy();
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  await db.query(`DROP TABLE IF EXISTS ${namespace}_sessions`);
  await db.end();
}
