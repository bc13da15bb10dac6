import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { boot } from '../../server/boot.ts';
import { loadConfig } from '../../server/config.ts';
import { createLogger } from '../../server/log.ts';
import { memcachedClient, startOwnMemcached, type OwnMemcached } from '../../spec/support/memcached.ts';
import { freePort } from '../../spec/support/outage.ts';
import { listen } from './listen.ts';

// The Memcached figures: a memcached of the script's own (so `stats` counts only this app's
// commands), what one record costs it, and a real eviction on `-m 4`.

let own: OwnMemcached | undefined;

export async function startMemcached(): Promise<OwnMemcached> {
  own = await startOwnMemcached(await freePort());
  return own;
}

export const memcachedServers = (): string => own?.servers ?? '127.0.0.1:1';

const counted = ['cmd_get', 'cmd_set', 'cmd_touch', 'delete_hits', 'delete_misses'] as const;

export async function memcachedCommands(): Promise<Map<string, number>> {
  const figures = new Map<string, number>();
  for (const name of counted) figures.set(name, await own!.stat(name));
  return figures;
}

/** `cmd_get ×20, cmd_set ×0`: what happened between two counts. */
export function commandsBetween(before: Map<string, number>, after: Map<string, number>): string {
  return [...after]
    .map(([name, value]) => `\`${name}\` ×${value - (before.get(name) ?? 0)}`)
    .filter((text, i) => i < 3 || !text.endsWith('×0'))
    .join(', ');
}

/** The record's JSON and the item memory memcached counts for it (`stats` `bytes`). */
export async function memcachedRecordSize(namespace: string, cookie: string): Promise<string> {
  const sid = /^s:([^.]+)\./.exec(decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1)))![1]!;
  const client = memcachedClient(own!.servers);
  const { value } = await client.get(`${namespace}:sess:${sid}`);
  client.close();
  return `${value!.length} bytes of JSON; an item of ${await own!.stat('bytes')} bytes (\`stats\` \`bytes\`)`;
}

const alice = { username: 'alice', password: 'correct horse battery' };

/**
 * Logs alice in `sessions` times on a memcached with 4 MB of item memory, each session
 * holding a note of `noteCharacters`, then asks for the oldest and the newest session:
 * a console transcript of what happened, and the counts.
 */
export async function evictionTranscript(sessions: number, noteCharacters: number): Promise<string> {
  const memcached = await startOwnMemcached(await freePort(), 4);
  const dir = await mkdtemp(path.join(tmpdir(), 'cookie-lab-eviction-'));
  const config = loadConfig({
    SESSION_STORE: 'memcached',
    MEMCACHED_SERVERS: memcached.servers,
    SESSION_SECRET: 'figures-secret-0123456789-0123456789',
    SESSION_NAMESPACE: 'cookie_lab_demo',
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
  const call = (route: string, init: RequestInit = {}) =>
    fetch(server.url + route, {
      ...init,
      headers: { 'Content-Type': 'application/json', ...(init.headers as Record<string, string>) },
    });
  try {
    await call('/api/register', { method: 'POST', body: JSON.stringify(alice) });
    const cookies: string[] = [];
    for (let i = 0; i < sessions; i++) {
      const login = await call('/api/login', { method: 'POST', body: JSON.stringify(alice) });
      const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
      const note = await call('/api/session/notes', {
        method: 'PUT',
        headers: { Cookie: cookie },
        body: JSON.stringify({ text: 'n'.repeat(noteCharacters) }),
      });
      if (note.status !== 200) throw new Error(`note: ${note.status}`);
      cookies.push(cookie);
    }
    const stats = Object.fromEntries(
      await Promise.all(
        ['evictions', 'curr_items', 'bytes', 'limit_maxbytes'].map(async (name) => [
          name,
          await memcached.stat(name),
        ]),
      ),
    ) as Record<string, number>;
    const statuses: number[] = [];
    for (const cookie of cookies)
      statuses.push((await call('/api/session', { headers: { Cookie: cookie } })).status);
    const lost = statuses.filter((status) => status === 401).length;
    const oldestLost = statuses.findIndex((status) => status !== 401);
    if (statuses.some((status) => status !== 200 && status !== 401))
      throw new Error(`eviction: ${statuses.join()}`);
    // The oldest through GET /api/session (its 401 names the reason), the newest through GET /api/me.
    const ask = async (name: string, route: string, cookie: string) => {
      const res = await call(route, { headers: { Cookie: cookie } });
      return [
        `$ curl -si http://localhost:3000${route} -H "Cookie: $${name}" | sed -n '1p;$p'`,
        `HTTP/1.1 ${res.status} ${res.statusText}`,
        await res.text(),
      ].join('\n');
    };
    return [
      '```console',
      `$ memcached -u memcache -l 127.0.0.1 -p 11211 -m 4 -d   # 4 MB for items`,
      '',
      `$ # ${sessions} logins of alice, each session given a ${noteCharacters.toLocaleString('en')}-character note; FIRST is the oldest cookie, LAST the newest`,
      '',
      `$ printf 'stats\\r\\nquit\\r\\n' | nc 127.0.0.1 11211 | grep -E 'evictions|curr_items|STAT bytes |limit_maxbytes'`,
      `STAT curr_items ${stats.curr_items}`,
      `STAT bytes ${stats.bytes}`,
      `STAT limit_maxbytes ${stats.limit_maxbytes}`,
      `STAT evictions ${stats.evictions}`,
      '',
      await ask('FIRST', '/api/session', cookies[0]!),
      '',
      await ask('LAST', '/api/me', cookies.at(-1)!),
      '```',
      '',
      `Of the ${sessions} sessions, ${lost} answer 401 \`unknown_session\` now (${stats.evictions} evictions)${oldestLost === lost ? `: the ${lost} oldest` : `; not only the oldest (the first live one is number ${oldestLost + 1})`}, and the ${sessions - lost} others 200.`,
    ].join('\n');
  } finally {
    await server.close();
    await booted.close();
    await memcached.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function stopMemcached(): Promise<void> {
  await own?.stop();
}
