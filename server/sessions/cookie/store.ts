import type { RequestHandler } from 'express';
import { activityDue } from '../lifetimes.ts';
import type { SessionStore } from '../port.ts';
import { attachSession } from '../port.ts';
import { readCookie } from './header.ts';
import { cookieLeakedKey } from './leaked-key.ts';
import { cacheOpenedCookies } from './opened-cache.ts';
import type { CookieStoreOptions } from './options.ts';
import { CookieSession } from './session.ts';
import { verifyCookie } from './verify.ts';

export type { CookieStoreOptions } from './options.ts';

/**
 * Sessions kept entirely in the browser, sealed in client-sessions' format. The server
 * keeps no session of its own; it checks both expiry deadlines itself and reads the
 * user record for the session version (revocation).
 */
export function createCookieStore(options: CookieStoreOptions): SessionStore {
  // A user store that fails to answer fails the request (503): the cookie cannot be checked.
  // Express 5 passes what this async middleware throws, or its rejection, to the error handler.
  const middleware: RequestHandler = async (req, res, next) => {
    const verified = await verifyCookie(readCookie(req.headers.cookie, options.flags.name), options);
    if (verified.state === 'rejected') options.log.debug(`session cookie rejected: ${verified.reason}`);
    const session = new CookieSession(res, options, verified);
    attachSession(req, session);
    if (verified.state === 'valid') {
      // Re-seal an old key's cookie with the newest key, and push the idle deadline of an
      // active session, but only once a quarter of the idle window: most requests then
      // carry no Set-Cookie at all.
      const { opened } = verified;
      if (opened.keyIndex > 0 || activityDue(opened.sealedAt, options, options.now())) {
        session.write(opened.payload);
      }
    }
    next();
  };

  return {
    kind: 'cookie',
    middleware,
    reachable: async () => true,
    async replay(cookieValue) {
      const verified = await verifyCookie(cookieValue, options);
      if (verified.state === 'valid') return { accepted: true, username: verified.opened.payload.username };
      return { accepted: false, reason: verified.state === 'rejected' ? verified.reason : 'invalid' };
    },
    // Nothing to count: every session lives in some browser, out of the server's reach.
    storedSessions: async () => null,
    leakedKey: cookieLeakedKey(options, cacheOpenedCookies),
    close: async () => {},
  };
}
