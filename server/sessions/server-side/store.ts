import { randomBytes } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import session, { type SessionData } from 'express-session';
import { UserStoreUnavailableError } from '../../users/errors.ts';
import { readCookie } from '../cookie/header.ts';
import { rotatedKeyBytes } from '../cookie/leaked-key.ts';
import { SessionStoreUnavailableError } from '../errors.ts';
import { activityDue, deadlinesOf, expiryOf } from '../lifetimes.ts';
import { attachSession, type LeakedKey, type RejectionReason, type SessionStore } from '../port.ts';
import type { ServerSideOptions } from './options.ts';
import { destroy, load, save, stamp } from './record.ts';
import { isUserSession } from './session-data.ts';
import { ServerSideSession } from './session.ts';
import { readSignedId, signedIdValue, type SignedId } from './signed-id.ts';
import { UnavailableSession } from './unavailable.ts';
import { reasonOf } from '../../services.ts';

export type { ServerSideOptions } from './options.ts';

/** /healthz waits no longer than this for the store's answer. */
const pingTimeoutMs = 1_000;

/**
 * Sessions kept on the server with express-session; the cookie carries only a signed id.
 * Expiry follows the same two rules as the cookie store, decided by the app's clock:
 * idle (rolling) and absolute (from the login time kept in the record).
 */
export function createServerSideStore(options: ServerSideOptions): SessionStore {
  const { backing, flags, log, now, secrets, users } = options;

  const expressSession = session({
    name: flags.name,
    secret: secrets,
    store: backing.store,
    // Nothing is written for a request that changed nothing (resave: false), no record for
    // a visitor who never logged in (saveUninitialized: false), and no Set-Cookie on every
    // answer (rolling: false): the adapter moves the idle deadline itself, with one write
    // once a quarter of the idle window, as the cookie store re-seals its cookie.
    resave: false,
    saveUninitialized: false,
    rolling: false,
    cookie: { path: '/', httpOnly: true, sameSite: 'lax', secure: flags.secure },
  });

  /**
   * Why the record this request points at is over, or null. A deleted user, or a version
   * the user record has moved past (logout-all, a new password), is `revoked`.
   */
  const verdict = async (data: SessionData): Promise<RejectionReason | null> =>
    expiryOf(deadlinesOf(data.lastSeenAt, data.issuedAt, options), now()) ??
    ((await users.sessionVersion(data.userId)) === data.version ? null : 'revoked');

  async function settle(req: Request, signed: SignedId): Promise<RejectionReason | null> {
    if (signed.state === 'invalid') {
      // express-session may still have opened it (it reads escapes we refuse): a fresh,
      // empty session in its place, as express-session does for an unknown id.
      req.sessionStore.generate(req);
      return 'invalid';
    }
    const data = req.session;
    if (signed.state !== 'valid') return null;
    if (!isUserSession(data)) {
      // Expired and deleted by the store, ended by a logout, evicted by Memcached, or never
      // ours: no session, and the reason says the store does not know this id.
      return 'unknown_session';
    }
    const reason = await verdict(data);
    if (reason) {
      await destroy(data);
      await backing.index.remove(data.userId, signed.sid);
      return reason;
    }
    if (signed.keyIndex > 0 || activityDue(data.lastSeenAt, options, now())) {
      // The write also sends a fresh Set-Cookie, signed with the newest key.
      stamp(data, options, now());
      await save(data);
    }
    return null;
  }

  const unavailable = (req: Request, error?: unknown) => {
    // Debug: withDeadline logged the outage once; a line per request would flood the log.
    if (error) log.debug(`${backing.kind} session store failed: ${reasonOf(error)}`);
    attachSession(req, new UnavailableSession(backing.kind));
  };

  const middleware: RequestHandler = (req: Request, res: Response, next) => {
    const signed = readSignedId(readCookie(req.headers.cookie, flags.name), secrets);
    // The client already knows the store is gone: do not even try.
    if (!backing.isReady()) {
      unavailable(req);
      return next();
    }
    expressSession(req, res, (error?: unknown) => {
      if (error) {
        unavailable(req, error);
        return next();
      }
      settle(req, signed).then(
        (rejection) => {
          if (rejection) log.debug(`session cookie rejected: ${rejection}`);
          attachSession(req, new ServerSideSession(req, res, options, rejection));
          next();
        },
        (failure: unknown) => {
          // The user store's own 503 (user_store_unavailable) names what is down.
          if (failure instanceof UserStoreUnavailableError) return next(failure);
          unavailable(req, failure);
          next();
        },
      );
    });
  };

  return {
    kind: backing.kind,
    middleware,
    reachable: () => backing.ping(pingTimeoutMs),
    async replay(cookieValue) {
      const signed = readSignedId(cookieValue, secrets);
      if (signed.state !== 'valid') return { accepted: false, reason: 'invalid' };
      const data = await load(backing.store, signed.sid).catch((error: unknown) => {
        log.debug(`${backing.kind} session store failed: ${reasonOf(error)}`);
        throw new SessionStoreUnavailableError(backing.kind);
      });
      // The lesson of the server-side stores: an id that was logged out is simply gone.
      if (!isUserSession(data)) return { accepted: false, reason: 'unknown_session' };
      const reason = await verdict(data);
      return reason ? { accepted: false, reason } : { accepted: true, username: data.username };
    },
    storedSessions: () => backing.count(),
    leakedKey: signedIdLeakedKey(flags.name, secrets),
    close: () => backing.close(),
  };
}

/**
 * What a leaked key buys against a server-side store: it signs any id, but the session is
 * the record the id names, and a forger cannot guess one (express-session's ids are 24
 * random bytes). Rotation empties `secrets` in place, the very array express-session and
 * readSignedId read on each request, so the running server verifies with the new key alone.
 */
function signedIdLeakedKey(name: string, secrets: string[]): LeakedKey {
  return {
    name,
    decode(value) {
      const signed = readSignedId(value, secrets);
      return signed.state === 'valid'
        ? { format: 'signed-id', sid: signed.sid, keyIndex: signed.keyIndex }
        : null;
    },
    forge: () => signedIdValue(randomBytes(24).toString('base64url'), secrets),
    rotate() {
      secrets.splice(0, secrets.length, randomBytes(rotatedKeyBytes).toString('base64url'));
    },
  };
}
