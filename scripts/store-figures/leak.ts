import { setTimeout as sleep } from 'node:timers/promises';
import express from 'express';
import session, { MemoryStore } from 'express-session';
import createMemoryStore from 'memorystore';
import { listen } from './listen.ts';

/**
 * Sessions created by `visitors` requests, each expiring after lifeMs, and how many each
 * memory store still holds well after: express-session's MemoryStore deletes only on a read.
 */
export async function leak(visitors: number, lifeMs: number): Promise<string> {
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
