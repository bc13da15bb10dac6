import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import express from 'express';
import session, { MemoryStore } from 'express-session';
import createMemoryStore from 'memorystore';
import { request } from '../support/test-app.ts';

// The course notes: "in-memory sessions cause memory leaks". express-session's own
// MemoryStore deletes an expired session only when that same id is asked for again, so
// every visitor who never comes back stays in memory for the life of the process.
// memorystore (what SESSION_STORE=memory uses) sweeps expired entries on a timer.

const visitors = 50;
const lifeMs = 100;

async function visitsThenWait(store: session.Store): Promise<void> {
  const app = express();
  app.use(
    session({
      store,
      secret: 'leak demo',
      resave: false,
      saveUninitialized: true,
      cookie: { maxAge: lifeMs },
    }),
  );
  app.get('/', (_req, res) => res.json({ ok: true }));
  for (let i = 0; i < visitors; i++) await request.execute(app).get('/');
  await sleep(lifeMs * 4);
}

describe('the memory store leaks unless something prunes it', () => {
  it("keeps every expired session in express-session's MemoryStore", async () => {
    const store = new MemoryStore();
    await visitsThenWait(store);
    // Its sessions live in a plain object; counting them must not go through get(),
    // which is the only thing that deletes.
    const held = Object.keys((store as unknown as { sessions: Record<string, string> }).sessions).length;
    expect(held, 'all expired, all still held').to.equal(visitors);
  });

  it('drops them in memorystore with checkPeriod', async () => {
    const store = new (createMemoryStore(session))({ checkPeriod: lifeMs });
    try {
      await visitsThenWait(store);
      const held = await new Promise<number>((resolve) =>
        store.length((_error, length) => resolve(length ?? -1)),
      );
      expect(held).to.equal(0);
    } finally {
      store.stopInterval();
    }
  });
});
