import { Store, type SessionData } from 'express-session';
import type { Logger } from '../../log.ts';
import type { Backing } from './backing.ts';
import type { UserIndex } from './user-index.ts';
import { outageLog, reasonOf, storeDeadlineMs, within } from '../../services.ts';

/** The longest a count of stored sessions may take: it never holds a request. */
export const countDeadlineMs = 10_000;

/** While a store is lost, one ping this often finds out when it answers again. */
const probeEveryMs = 500;

type Callback<T> = (error?: unknown, value?: T) => void;

/**
 * The backing with every call bounded by `deadlineMs`, and the outage it reveals handled
 * once: the first call that fails or runs out of time logs one line, from then on
 * isReady() is false (every request gets its 503 at once, without waiting), and a ping
 * every probeEveryMs brings the store back when it answers. Applied to every backing in
 * create-store.ts, so a store added later needs nothing of its own.
 *
 * A late answer, after the deadline, is dropped: the request was answered already.
 */
export function withDeadline(
  inner: Backing,
  log: Logger,
  deadlineMs = storeDeadlineMs,
  countMs = countDeadlineMs,
): Backing {
  let closed = false;
  let probe: NodeJS.Timeout | undefined;
  const outage = outageLog(
    log,
    (reason) => `${inner.kind} session store lost (${reason}); session routes answer 503 until it answers`,
    `${inner.kind} session store is back`,
  );

  const markLost = (reason: string): void => {
    if (!closed && outage.failed(reason)) scheduleProbe();
  };
  function scheduleProbe(): void {
    probe = setTimeout(() => {
      void ping(deadlineMs).then(() => {
        if (outage.lost && !closed) scheduleProbe();
      });
    }, probeEveryMs);
    probe.unref();
  }

  /**
   * One store call: its answer within the deadline, or a rejection and the outage noted.
   * A call that succeeds does not end an outage, only a ping does: some calls never reach
   * the service (Memcached's and PostgreSQL's index add/remove do nothing), and one of
   * those answering would declare a frozen store back and log the outage twice.
   */
  async function bounded<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await within(deadlineMs, Promise.resolve().then(call));
    } catch (error) {
      markLost(`${what}: ${reasonOf(error)}`);
      throw error;
    }
  }

  async function ping(timeoutMs: number): Promise<boolean> {
    const ms = Math.min(timeoutMs, deadlineMs);
    const answered = await within(ms, inner.ping(ms)).catch(() => false);
    if (!answered) markLost(`no answer to a ping within ${ms} ms`);
    else if (outage.answered()) clearTimeout(probe);
    return answered;
  }

  /** An express-session callback call, bounded; the callback runs once, with the first outcome. */
  const relay = <T>(what: string, call: (done: Callback<T>) => void, callback?: Callback<T>): void => {
    bounded(
      what,
      () =>
        new Promise<T | undefined>((resolve, reject) =>
          call((error, value) => (error ? reject(error) : resolve(value))),
        ),
    ).then(
      (value) => callback?.(null, value),
      (error: unknown) => callback?.(error),
    );
  };

  // No touch, whatever the store offers: express-session would call it on every request
  // that changed nothing (an EXPIRE or an UPDATE per read), and the adapter rewrites the
  // record, its expiry included, once a quarter of the idle window instead (session.ts).
  class BoundedStore extends Store {
    get(sid: string, callback: Callback<SessionData | null>): void {
      relay('get', (done) => inner.store.get(sid, done), callback);
    }
    set(sid: string, session: SessionData, callback?: Callback<void>): void {
      relay('set', (done) => inner.store.set(sid, session, done), callback);
    }
    destroy(sid: string, callback?: Callback<void>): void {
      relay('destroy', (done) => inner.store.destroy(sid, done), callback);
    }
  }

  const index: UserIndex = {
    add: (userId, sid, ttlSeconds) => bounded('index add', () => inner.index.add(userId, sid, ttlSeconds)),
    remove: (userId, sid) => bounded('index remove', () => inner.index.remove(userId, sid)),
    endAll: (userId) => bounded('index endAll', () => inner.index.endAll(userId)),
  };

  return {
    kind: inner.kind,
    store: new BoundedStore(),
    // A name, computed here: nothing to bound.
    recordKey: (sid) => inner.recordKey(sid),
    index,
    isReady() {
      if (!inner.isReady()) markLost('not connected');
      return !outage.lost;
    },
    // Counting runs off the request path (specs, benches, store figures) and may walk a
    // whole store (Memcached's LRU crawler): bounded too, but not by a request's deadline,
    // and a slow count says nothing about an outage.
    count: () => within(countMs, inner.count()),
    ping,
    async close() {
      closed = true;
      clearTimeout(probe);
      await inner.close();
    },
  };
}
