// Measures the figures in docs/session-stores.md from a real run and pastes them between
//   <!-- BEGIN figures NAME --> ... <!-- END figures NAME -->
// For each store: the Set-Cookie line at login and after a 2,000-character note, and what
// one session costs the store. Then the leak of express-session's plain MemoryStore.
// Starts a Redis server of its own (so that INFO commandstats counts only this app's
// commands) and uses PostgreSQL on 127.0.0.1 (DATABASE_URL to point elsewhere).
// Usage: npm run docs:stores
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import express from 'express';
import session, { MemoryStore } from 'express-session';
import createMemoryStore from 'memorystore';
import pg from 'pg';
import { format, resolveConfig } from 'prettier';
import { createClient } from 'redis';
import { boot } from '../server/boot.ts';
import { loadConfig, storeKinds, type StoreKind } from '../server/config.ts';
import { createLogger } from '../server/log.ts';

const document = 'docs/session-stores.md';
let redisUrl = '';
const requestsCounted = 20;
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const namespace = `cookie_lab_figures_${process.pid}`;
const alice = { username: 'alice', password: 'correct horse battery' };
const noteCharacters = 2000;

interface StoreFigures {
  kind: StoreKind;
  loginBytes: number;
  noteBytes: number | string;
  shown: string;
  recordBytes: string;
  /** Store commands for `requestsCounted` requests to GET /api/me (Redis only: counted by Redis). */
  commands?: string;
}

async function startRedis(): Promise<ChildProcess> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  probe.close();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  redisUrl = `redis://127.0.0.1:${port}`;
  const client = createClient({ url: redisUrl, socket: { reconnectStrategy: 50 } });
  client.on('error', () => {});
  await client.connect();
  client.destroy();
  return child;
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

async function listen(app: express.Express): Promise<{ url: string; close: () => Promise<void> }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** What the store holds for one logged-in session with no note. */
async function recordSize(kind: StoreKind): Promise<string> {
  if (kind === 'cookie') return 'nothing: the server keeps no session';
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

async function measure(kind: StoreKind): Promise<StoreFigures> {
  const dir = await mkdtemp(path.join(tmpdir(), 'cookie-lab-figures-'));
  const config = loadConfig({
    SESSION_STORE: kind,
    SESSION_SECRET: 'figures-secret-0123456789-0123456789',
    SESSION_NAMESPACE: namespace,
    REDIS_URL: redisUrl,
    DATABASE_URL: databaseUrl,
    DB_FILE: path.join(dir, 'db.json'),
    BCRYPT_COST: '4',
  });
  const booted = await boot(config, createLogger('warn'));
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
    const recordBytes = await recordSize(kind);
    const before = kind === 'redis' ? await commandStats() : undefined;
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

async function cleanUp(): Promise<void> {
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

async function leak(visitors: number, lifeMs: number): Promise<string> {
  const count = async (store: session.Store, held: () => Promise<number>) => {
    const app = express();
    app.use(
      session({ store, secret: 'leak', resave: false, saveUninitialized: true, cookie: { maxAge: lifeMs } }),
    );
    app.get('/', (_req, res) => res.json({}));
    const server = await listen(app);
    for (let i = 0; i < visitors; i++) await (await fetch(server.url + '/')).arrayBuffer();
    await sleep(lifeMs * 3);
    const result = await held();
    await server.close();
    return result;
  };
  const plain = new MemoryStore();
  const plainHeld = await count(
    plain,
    async () => Object.keys((plain as unknown as { sessions: object }).sessions).length,
  );
  const pruned = new (createMemoryStore(session))({ checkPeriod: lifeMs });
  const prunedHeld = await count(
    pruned,
    () => new Promise((resolve) => pruned.length((_error, length) => resolve(length ?? -1))),
  );
  pruned.stopInterval();
  return [
    `| store | sessions created | each expired after | entries still held ${lifeMs * 3} ms later |`,
    '| --- | --: | --: | --: |',
    `| express-session \`MemoryStore\` | ${visitors} | ${lifeMs} ms | ${plainHeld} |`,
    `| memorystore, \`checkPeriod: ${lifeMs}\` | ${visitors} | ${lifeMs} ms | ${prunedHeld} |`,
  ].join('\n');
}

async function main(): Promise<void> {
  const rows: StoreFigures[] = [];
  const redis = await startRedis();
  try {
    for (const kind of storeKinds) rows.push(await measure(kind));
  } finally {
    await cleanUp();
    redis.kill();
  }
  const figures = new Map<string, string>();
  figures.set(
    'cookie-bytes',
    [
      `| store | \`Set-Cookie\` at login | after a ${noteCharacters.toLocaleString('en')}-character note | what the store holds for it (no note) | the cookie |`,
      '| --- | --: | --: | --- | --- |',
      ...rows.map(
        (row) =>
          `| ${row.kind} | ${row.loginBytes} bytes | ${typeof row.noteBytes === 'number' ? `${row.noteBytes} bytes` : row.noteBytes} | ${row.recordBytes} | \`${row.shown}\` |`,
      ),
    ].join('\n'),
  );
  const redisRow = rows.find((row) => row.kind === 'redis')!;
  figures.set(
    'redis-commands',
    `Redis commands for ${requestsCounted} requests to \`GET /api/me\` with a logged-in cookie, counted by Redis (\`INFO commandstats\`): ${redisRow.commands || 'none'}.`,
  );
  figures.set('memory-leak', await leak(2000, 500));
  const original = await readFile(document, 'utf8');
  const updated = original.replace(
    /<!-- BEGIN figures (\S+) -->[\s\S]*?<!-- END figures \1 -->/g,
    (whole, name: string) =>
      figures.has(name)
        ? `<!-- BEGIN figures ${name} -->\n\n${figures.get(name)}\n\n<!-- END figures ${name} -->`
        : whole,
  );
  // The tables go through prettier, as `npm run lint` checks every Markdown file.
  await writeFile(
    document,
    await format(updated, { ...(await resolveConfig(document)), filepath: document }),
  );
  for (const [name, text] of figures) console.log(`${name}:\n${text}\n`);
  console.log(`${document}: ${updated === original ? 'unchanged' : 'updated'}`);
}

await main();
