import type { Session, SessionData, Store } from 'express-session';
import { deadlinesOf, type Lifetimes } from '../lifetimes.ts';

// express-session's callback calls as promises, so that the adapter can answer a request
// only once the store has confirmed (or refused) the write.

type LiveSession = Session & Partial<SessionData>;

const done =
  (resolve: () => void, reject: (error: unknown) => void) =>
  (error?: unknown): void =>
    error ? reject(error) : resolve();

export const save = (session: LiveSession): Promise<void> =>
  new Promise((resolve, reject) => session.save(done(resolve, reject)));

export const destroy = (session: LiveSession): Promise<void> =>
  new Promise((resolve, reject) => session.destroy(done(resolve, reject)));

export const regenerate = (session: LiveSession): Promise<void> =>
  new Promise((resolve, reject) => session.regenerate(done(resolve, reject)));

export const load = (store: Store, sid: string): Promise<Partial<SessionData> | null> =>
  new Promise((resolve, reject) =>
    store.get(sid, (error, data) => (error ? reject(error) : resolve(data ?? null))),
  );

/**
 * Marks activity at `now` and sizes the record's lifetime to what the session has left by
 * the app's clock. express-session turns maxAge into the cookie's Expires, and every store
 * turns it into its own expiry (Redis TTL, memorystore entry age, the PostgreSQL expire
 * column), so the record goes when the session would have ended anyway.
 */
export function stamp(session: LiveSession & SessionData, life: Lifetimes, now: number): void {
  session.lastSeenAt = now;
  const { idle, absolute } = deadlinesOf(session.lastSeenAt, session.issuedAt, life);
  session.cookie.maxAge = Math.min(idle, absolute) - now;
}
