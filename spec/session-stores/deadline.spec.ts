import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import { Store, type SessionData } from 'express-session';
import { createLogger } from '../../server/log.ts';
import type { Backing } from '../../server/sessions/server-side/backing.ts';
import { withDeadline } from '../../server/sessions/server-side/deadline.ts';

type Callback = (error?: unknown, value?: SessionData | null) => void;

/** A store that keeps every callback until the spec answers it: a stalled server, by hand. */
class HeldStore extends Store {
  held: Callback[] = [];
  get(_sid: string, callback: Callback) {
    this.held.push(callback);
  }
  set(_sid: string, _session: SessionData, callback?: Callback) {
    this.held.push(callback!);
  }
  destroy(_sid: string, callback?: Callback) {
    this.held.push(callback!);
  }
}

function heldBacking(store: HeldStore, answers: { ping: boolean; ready?: boolean; pings?: number }): Backing {
  return {
    kind: 'memory',
    store,
    index: { add: () => new Promise(() => {}), remove: async () => {}, endAll: async () => 0 },
    isReady: () => answers.ready ?? true,
    recordKey: (sid) => `held:${sid}`,
    count: () => new Promise(() => {}),
    ping: async () => {
      answers.pings = (answers.pings ?? 0) + 1;
      return answers.ping;
    },
    close: async () => {},
  };
}

// withDeadline itself, with a deadline of a few ms: the stall specs show it end to end.
describe('the store deadline', () => {
  const deadlineMs = 20;

  it('stays lost when a call that never reaches the store succeeds (an index no-op): only a ping ends it', async () => {
    const logs: string[] = [];
    const backing = withDeadline(
      heldBacking(new HeldStore(), { ping: false }),
      createLogger('debug', (l) => logs.push(l)),
      deadlineMs,
    );
    await new Promise((resolve) => backing.store.get('sid', resolve));
    expect(backing.isReady()).to.equal(false);
    await backing.index.remove('user', 'sid');
    expect(backing.isReady(), 'still lost').to.equal(false);
    expect(logs.filter((line) => line.includes('session store is back'))).to.have.length(0);
    await backing.close();
  });

  it('answers each call once with an error at the deadline, and drops the late answer', async () => {
    const logs: string[] = [];
    const inner = new HeldStore();
    const backing = withDeadline(
      heldBacking(inner, { ping: false }),
      createLogger('debug', (l) => logs.push(l)),
      deadlineMs,
    );
    const calls: unknown[][] = [];
    backing.store.get('sid', (...args: unknown[]) => calls.push(args));
    backing.store.set('sid', {} as SessionData, (...args: unknown[]) => calls.push(args));
    await sleep(deadlineMs * 3);
    expect(calls).to.have.length(2);
    expect(calls.every(([error]) => error instanceof Error)).to.equal(true);

    // The store wakes up and answers: nobody hears it, nothing throws.
    for (const late of inner.held) late(null, null);
    await sleep(5);
    expect(calls).to.have.length(2);
    expect(logs.filter((line) => line.includes('session store lost'))).to.have.length(1);
    expect(backing.isReady()).to.equal(false);
    await backing.close();
  });

  it('bounds the user index and the count as well', async () => {
    const backing = withDeadline(
      heldBacking(new HeldStore(), { ping: true }),
      createLogger('silent'),
      deadlineMs,
      deadlineMs,
    );
    const outcome = (promise: Promise<unknown>) =>
      promise.then(
        () => 'answered',
        () => 'refused',
      );
    expect(await outcome(backing.index.add('user', 'sid', 60))).to.equal('refused');
    expect(await outcome(backing.count())).to.equal('refused');
    await backing.close();
  });

  it('names the call that found the outage in its one log line', async () => {
    const never = () => new Promise<never>(() => {});
    const calls: Record<string, (backing: Backing) => Promise<unknown>> = {
      get: (backing) => new Promise((resolve) => backing.store.get('sid', resolve)),
      set: (backing) => new Promise((resolve) => backing.store.set('sid', {} as SessionData, resolve)),
      destroy: (backing) => new Promise((resolve) => backing.store.destroy('sid', resolve)),
      'index add': (backing) => backing.index.add('user', 'sid', 60).catch(() => {}),
      'index remove': (backing) => backing.index.remove('user', 'sid').catch(() => {}),
      'index endAll': (backing) => backing.index.endAll('user').catch(() => {}),
    };
    for (const [what, call] of Object.entries(calls)) {
      const logs: string[] = [];
      const stalled = {
        ...heldBacking(new HeldStore(), { ping: false }),
        index: { add: never, remove: never, endAll: never },
      };
      const backing = withDeadline(
        stalled,
        createLogger('debug', (l) => logs.push(l)),
        deadlineMs,
      );
      await call(backing);
      expect(logs, what).to.deep.equal([
        `warn  memory session store lost (${what}: no answer within ${deadlineMs} ms); session routes answer 503 until it answers`,
      ]);
      await backing.close();
    }
  });

  it('names a failed ping, bounded by the store deadline, and a client that is not connected', async () => {
    const logs: string[] = [];
    const answers = { ping: false, ready: true };
    const backing = withDeadline(
      heldBacking(new HeldStore(), answers),
      createLogger('debug', (l) => logs.push(l)),
      deadlineMs,
    );
    // /healthz asks with a longer timeout of its own; the store deadline is the ceiling.
    expect(await backing.ping(1_000)).to.equal(false);
    expect(backing.isReady(), 'a failed ping is an outage').to.equal(false);
    expect(logs).to.deep.equal([
      `warn  memory session store lost (no answer to a ping within ${deadlineMs} ms); session routes answer 503 until it answers`,
    ]);
    await backing.close();

    const notConnected: string[] = [];
    const idle = withDeadline(
      heldBacking(new HeldStore(), { ping: false, ready: false }),
      createLogger('debug', (l) => notConnected.push(l)),
      deadlineMs,
    );
    expect(idle.isReady()).to.equal(false);
    expect(notConnected).to.deep.equal([
      'warn  memory session store lost (not connected); session routes answer 503 until it answers',
    ]);
    await idle.close();
  });

  it('is ready again, with one line, at the first ping that answers, however many probes found it lost, and stops probing', async function () {
    this.timeout(10_000);
    const logs: string[] = [];
    const answers: { ping: boolean; pings?: number } = { ping: false };
    const backing = withDeadline(
      heldBacking(new HeldStore(), answers),
      createLogger('debug', (l) => logs.push(l)),
      deadlineMs,
    );
    backing.store.get('sid', () => {});
    // Past the first probe (500 ms after the outage), which finds the store still lost.
    await sleep(800);
    expect(backing.isReady()).to.equal(false);
    answers.ping = true;
    for (let tries = 0; !backing.isReady() && tries < 40; tries++) await sleep(100);
    expect(backing.isReady(), 'a later probe found it').to.equal(true);
    expect(logs.filter((line) => line.includes('session store is back'))).to.have.length(1);
    // Back, it stops probing: past two more probe intervals, no ping was sent.
    const pings = answers.pings;
    await sleep(1_100);
    expect(answers.pings, 'pings after the store was back').to.equal(pings);
    await backing.close();
  });
});
