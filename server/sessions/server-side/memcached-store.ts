import session, { type SessionData } from 'express-session';
import type memjs from 'memjs';

/** Memcached reads an expiry above 30 days as a Unix time, not as seconds from now. */
const longestRelativeExpirySeconds = 30 * 24 * 60 * 60;

type Callback = (error?: unknown) => void;

/**
 * express-session's Store over memjs, written here rather than taken from connect-memcached
 * (README's dependency table says why). It has get, set and destroy, and on purpose nothing
 * else: no `touch` (express-session would call it on every request that changed nothing,
 * a write per read; the adapter rewrites the record once a quarter of the idle window
 * instead), no `all`, `length` or `clear` (Memcached cannot list the keys of one app).
 * withDeadline (deadline.ts) bounds every call, as for every store.
 */
export class MemcachedStore extends session.Store {
  constructor(
    private readonly client: memjs.Client,
    private readonly prefix: string,
  ) {
    super();
  }

  override get(sid: string, callback: (error: unknown, session?: SessionData | null) => void): void {
    // A record that does not parse fails the read, as the store failing would.
    this.client
      .get(this.prefix + sid)
      .then(({ value }) => (value ? (JSON.parse(value.toString('utf8')) as SessionData) : null))
      .then((data) => callback(null, data), callback);
  }

  override set(sid: string, data: SessionData, callback: Callback = () => {}): void {
    const secondsLeft = Math.ceil(((data.cookie.expires?.valueOf() ?? 0) - Date.now()) / 1000);
    // A session with no time left is not stored: 0 would mean "never expires" to Memcached.
    if (secondsLeft < 1) return this.destroy(sid, callback);
    const expires =
      secondsLeft > longestRelativeExpirySeconds ? Math.floor(Date.now() / 1000) + secondsLeft : secondsLeft;
    this.client.set(this.prefix + sid, JSON.stringify(data), { expires }).then(() => callback(), callback);
  }

  override destroy(sid: string, callback: Callback = () => {}): void {
    // A key that is already gone (evicted, expired) answers false, not an error.
    this.client.delete(this.prefix + sid).then(() => callback(), callback);
  }
}
