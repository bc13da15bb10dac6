// Measures the figures in docs/session-stores.md from a real run and pastes them between
//   <!-- BEGIN figures NAME --> ... <!-- END figures NAME -->
// For each store: the Set-Cookie line at login and after a 2,000-character note, and what
// one session costs the store. Then the leak of express-session's plain MemoryStore.
// Starts a Redis server of its own (so that INFO commandstats counts only this app's
// commands), a memcached of its own likewise (and one with 4 MB to watch it evict
// sessions), and uses PostgreSQL on 127.0.0.1 (DATABASE_URL to point elsewhere).
// Usage: npm run docs:stores
import { readFile, writeFile } from 'node:fs/promises';
import { format, resolveConfig } from 'prettier';
import { storeKinds } from '../server/config.ts';
import { leak } from './store-figures/leak.ts';
import { evictionTranscript, startMemcached, stopMemcached } from './store-figures/memcached.ts';
import {
  cleanUp,
  measure,
  noteCharacters,
  requestsCounted,
  startRedis,
  type StoreFigures,
} from './store-figures/measure.ts';

const document = 'docs/session-stores.md';
// As the eviction spec: the first eviction came at the 283rd such session on `-m 4`.
const evictedSessions = 320;
const evictedNoteCharacters = 10_000;

async function main(): Promise<void> {
  const rows: StoreFigures[] = [];
  const redis = await startRedis();
  await startMemcached();
  try {
    for (const kind of storeKinds) rows.push(await measure(kind));
  } finally {
    await cleanUp();
    await redis.stop();
    await stopMemcached();
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
  const memcachedRow = rows.find((row) => row.kind === 'memcached')!;
  figures.set(
    'memcached-commands',
    `Memcached commands for ${requestsCounted} requests to \`GET /api/me\` with a logged-in cookie, counted by Memcached (\`stats\`): ${memcachedRow.commands}.`,
  );
  figures.set('memcached-eviction', await evictionTranscript(evictedSessions, evictedNoteCharacters));
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
