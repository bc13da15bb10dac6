import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from '../../log.ts';
import type { UserRepository } from '../../users/repository.ts';
import type { User } from '../../users/user.ts';
import { attachSession, type SessionPort, type SessionStore, type SessionUser } from '../port.ts';
import type { CookieCodec, CookiePayload, OpenedCookie } from './codec.ts';
import { clearedCookie, putSetCookie, readCookie, sessionCookie, type CookieFlags } from './header.ts';
import { checkBudget } from './budget.ts';

/** Why a cookie that was sent is not a session. Never more detail than this. */
export type RejectionReason = 'invalid' | 'expired_idle' | 'expired_absolute' | 'revoked';

export interface CookieStoreOptions {
  codec: CookieCodec;
  flags: CookieFlags;
  users: UserRepository;
  log: Logger;
  now: () => number;
  idleSeconds: number;
  ttlSeconds: number;
}

type Loaded =
  | { state: 'none' }
  | { state: 'rejected'; reason: RejectionReason }
  | { state: 'valid'; opened: OpenedCookie };

function load(req: Request, options: CookieStoreOptions): Loaded {
  const value = readCookie(req.headers.cookie, options.flags.name);
  if (value === undefined || value === '') return { state: 'none' };
  const opened = options.codec.open(value);
  if (!opened) return { state: 'rejected', reason: 'invalid' };
  const now = options.now();
  const { payload, sealedAt } = opened;
  if (now >= payload.issuedAt + options.ttlSeconds * 1000)
    return { state: 'rejected', reason: 'expired_absolute' };
  if (now >= sealedAt + options.idleSeconds * 1000) return { state: 'rejected', reason: 'expired_idle' };
  // Reading the user record on every request is the server state that buys revocation.
  const user = options.users.findById(payload.userId);
  if (!user || user.sessionVersion !== payload.version) return { state: 'rejected', reason: 'revoked' };
  return { state: 'valid', opened };
}

class CookieSession implements SessionPort {
  #payload: CookiePayload | null;

  constructor(
    private readonly res: Response,
    private readonly options: CookieStoreOptions,
    loaded: Loaded,
  ) {
    this.#payload = loaded.state === 'valid' ? loaded.opened.payload : null;
  }

  current(): SessionUser | null {
    const payload = this.#payload;
    return payload ? { id: payload.userId, username: payload.username, issuedAt: payload.issuedAt } : null;
  }

  async start(user: User): Promise<void> {
    this.write({
      userId: user.id,
      username: user.username,
      version: user.sessionVersion,
      issuedAt: this.options.now(),
    });
  }

  async end(): Promise<void> {
    this.#payload = null;
    putSetCookie(this.res, this.options.flags.name, clearedCookie(this.options.flags));
  }

  async endAll(): Promise<void> {
    const payload = this.#payload;
    if (payload) await this.options.users.bumpSessionVersion(payload.userId);
    await this.end();
  }

  /**
   * Seals the payload and puts it on the response. A cookie over the budget is never
   * sent (browsers drop it silently): the request fails with 413 and the session the
   * browser holds stays as it was.
   */
  write(payload: CookiePayload): void {
    const { codec, flags, now, idleSeconds, ttlSeconds } = this.options;
    const sealedAt = now();
    const idleMs = idleSeconds * 1000;
    const expires = new Date(Math.min(sealedAt + idleMs, payload.issuedAt + ttlSeconds * 1000));
    const header = sessionCookie(flags, codec.seal(payload, sealedAt, idleMs), expires);
    checkBudget(this.res, header);
    this.#payload = payload;
    putSetCookie(this.res, flags.name, header);
  }
}

/**
 * Sessions kept entirely in the browser, sealed by client-sessions' format. The server
 * keeps no session state; it checks expiry itself (a cookie's Expires is only advice to
 * the browser) and reads the user record for the session version (revocation).
 */
export function createCookieStore(options: CookieStoreOptions): SessionStore {
  const quarterIdleMs = (options.idleSeconds * 1000) / 4;
  const middleware: RequestHandler = (req, res, next) => {
    const loaded = load(req, options);
    if (loaded.state === 'rejected') options.log.debug(`session cookie rejected: ${loaded.reason}`);
    const session = new CookieSession(res, options, loaded);
    attachSession(req, session);
    if (loaded.state === 'valid') {
      // Re-seal an old key's cookie with the newest key, and push the idle deadline of
      // an active session, but only once a quarter of the idle window: most requests
      // then send no Set-Cookie at all.
      const { opened } = loaded;
      if (opened.keyIndex > 0 || options.now() - opened.sealedAt >= quarterIdleMs) {
        try {
          session.write(opened.payload);
        } catch (error) {
          return next(error);
        }
      }
    }
    next();
  };
  return { kind: 'cookie', middleware, reachable: async () => true, close: async () => {} };
}
