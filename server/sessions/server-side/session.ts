import type { Request, Response } from 'express';
import type { SessionData } from 'express-session';
import type { User } from '../../users/user.ts';
import { signedIdAnatomy } from '../anatomy.ts';
import { cookieBudgetBytes, cookieBytes } from '../cookie/budget.ts';
import { clearedCookie, putSetCookie, sessionCookie } from '../cookie/header.ts';
import { SessionStoreUnavailableError } from '../errors.ts';
import { deadlinesOf } from '../lifetimes.ts';
import type { RejectionReason, SessionEnding, SessionPort, SessionReport, SessionUser } from '../port.ts';
import type { ServerSideOptions } from './options.ts';
import { destroy, regenerate, save, stamp } from './record.ts';
import { isUserSession } from './session-data.ts';
import { signedIdValue } from './signed-id.ts';
import { reasonOf } from '../../services.ts';

/**
 * One request's view of a session kept on the server. The browser holds a signed id and
 * nothing else; every change is written to the store and confirmed before the route
 * answers, and a store that fails turns into 503 session_store_unavailable.
 */
export class ServerSideSession implements SessionPort {
  #rejection: RejectionReason | null;

  constructor(
    private readonly req: Request,
    private readonly res: Response,
    private readonly options: ServerSideOptions,
    rejection: RejectionReason | null,
  ) {
    this.#rejection = rejection;
  }

  /** The stored record, when this request has a user's session (express-session may hold an empty one). */
  #data(): (Request['session'] & SessionData) | null {
    const session = this.req.session as Request['session'] | undefined;
    return session && isUserSession(session) ? session : null;
  }

  current(): SessionUser | null {
    const data = this.#data();
    return data ? { id: data.userId, username: data.username, issuedAt: data.issuedAt } : null;
  }

  rejection(): RejectionReason | null {
    return this.#rejection;
  }

  async start(user: User): Promise<void> {
    const { req, options } = this;
    await this.#store(async () => {
      // A new id for the logged-in session (fixation): whatever id the browser had before,
      // perhaps one an attacker planted, now names nothing.
      const previous = this.#data();
      const previousId = req.sessionID;
      if (req.session as Request['session'] | undefined) await regenerate(req.session);
      else req.sessionStore.generate(req);
      if (previous) await options.backing.index.remove(previous.userId, previousId);
      const now = options.now();
      const session = Object.assign(req.session, {
        userId: user.id,
        username: user.username,
        version: user.sessionVersion,
        issuedAt: now,
        lastSeenAt: now,
      });
      stamp(session, options, now);
      // Indexed before it exists: logout-all then cannot miss a session that got saved.
      await options.backing.index.add(user.id, req.sessionID, options.ttlSeconds);
      await save(session);
    });
    this.#rejection = null;
    // A logout earlier in this request (a password change ends all, then starts anew) put
    // a clearing cookie here; express-session adds the new id's line when headers go out.
    // The session cookie is the only cookie this app sets.
    this.res.removeHeader('Set-Cookie');
  }

  async end(): Promise<SessionEnding> {
    const data = this.#data();
    const sid = this.req.sessionID;
    await this.#store(async () => {
      if (this.req.session as Request['session'] | undefined) await destroy(this.req.session);
      if (data) await this.options.backing.index.remove(data.userId, sid);
    });
    // express-session never clears the cookie itself; the id it holds is already dead.
    putSetCookie(this.res, clearedCookie(this.options.flags));
    // Without a record there was nothing to delete: clearing the cookie is all that happened.
    return data ? 'record_deleted' : 'cookie_cleared';
  }

  async endAll(): Promise<void> {
    const { userId } = this.#data()!;
    const ended = await this.#store(() => this.options.backing.index.endAll(userId));
    this.options.log.debug(`logout-all: ${ended} stored session(s) of one user deleted`);
    await this.end();
  }

  // No budget to skip (the lab's overBudget): the note lives in the store, the cookie
  // still carries only the id.
  async setNotes(text: string): Promise<void> {
    const data = this.#data()!;
    if (text) data.notes = text;
    else delete data.notes;
    stamp(data, this.options, this.options.now());
    await this.#store(() => save(data));
  }

  report(): SessionReport | null {
    const data = this.#data();
    if (!data) return null;
    const { flags, secrets, backing } = this.options;
    const { idle, absolute } = deadlinesOf(data.lastSeenAt, data.issuedAt, this.options);
    const expires = data.cookie.expires ?? new Date(Math.min(idle, absolute));
    const { cookie: _bookkeeping, ...payload } = data;
    const sid = this.req.sessionID;
    const value = signedIdValue(sid, secrets);
    return {
      store: backing.kind,
      payload: { ...payload },
      bytes: cookieBytes(sessionCookie(flags, value, expires)),
      budget: null,
      issuedAt: new Date(data.issuedAt).toISOString(),
      idleExpiresAt: new Date(idle).toISOString(),
      absoluteExpiresAt: new Date(absolute).toISOString(),
      keyIndex: null,
      limit: cookieBudgetBytes,
      cookie: signedIdAnatomy(flags.name, value, sid, backing.recordKey(sid)),
      // What express-session serialises into the store: the fields and its cookie bookkeeping.
      record: JSON.parse(JSON.stringify(data)) as Record<string, unknown>,
    };
  }

  async #store<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      // Debug: withDeadline logged the outage once; a line per request would flood the log.
      this.options.log.debug(`${this.options.backing.kind} session store failed: ${reasonOf(error)}`);
      throw new SessionStoreUnavailableError(this.options.backing.kind);
    }
  }
}
