import type { Request, RequestHandler } from 'express';
import type { StoreKind } from '../config.ts';
import type { User } from '../users/user.ts';

/** Who a session says the request comes from: the least a session needs to hold. */
export interface SessionUser {
  id: string;
  username: string;
  /** When this session was started by a login, in ms since the epoch. */
  issuedAt: number;
}

/**
 * Why a session cookie that was sent is not a session. Never more detail than this.
 * `unknown_session`: a well-signed id that names no stored record (logged out, expired and
 * deleted, evicted by Memcached); only server-side stores say it.
 */
export type RejectionReason = 'invalid' | 'expired_idle' | 'expired_absolute' | 'revoked' | 'unknown_session';

/** What the server read from this request's session, for GET /api/session. */
export interface SessionReport {
  store: StoreKind;
  /** The session's content as the server holds it: the opened cookie, or the stored record. */
  payload: Record<string, unknown>;
  /** Bytes of the Set-Cookie line that carries this session. */
  bytes: number;
  /** The most that line may hold before browsers drop it; null where only an id travels. */
  budget: number | null;
  issuedAt: string;
  idleExpiresAt: string;
  absoluteExpiresAt: string;
  /** Which SESSION_SECRET key opened the cookie (0 = newest), or null where no key seals data. */
  keyIndex: number | null;
}

/** What a store would do with a cookie value pasted from elsewhere (the replay lab). */
export type ReplayVerdict =
  { accepted: true; username: string } | { accepted: false; reason: RejectionReason };

/**
 * What a route may ask of the session, whichever store keeps it. Routes call these and
 * nothing else, so one route file serves the cookie store and every server-side store.
 */
export interface SessionPort {
  /** The user this request's session belongs to, or null when there is none. */
  current(): SessionUser | null;
  /** Starts a fresh session for the user; nothing of the previous one survives (fixation). */
  start(user: User): Promise<void>;
  /** Ends this browser's session. A copy of a cookie-store cookie stays valid: see docs. */
  end(): Promise<void>;
  /** Ends every session of the current user on every device, this one included. */
  endAll(): Promise<void>;
  /** Why the cookie this request sent was refused, or null (none sent, or accepted). */
  rejection(): RejectionReason | null;
  /** The note the user keeps in this session. */
  notes(): string;
  /** Replaces the note; a cookie store refuses with 413 when the cookie would outgrow 4 KB. */
  setNotes(text: string): Promise<void>;
  /** What the server read from this session, or null without one. */
  report(): SessionReport | null;
}

/** One session store: the middleware that gives each request its SessionPort. */
export interface SessionStore {
  readonly kind: StoreKind;
  readonly middleware: RequestHandler;
  /** Whether the backing service answers (always true for the cookie store). */
  reachable(): Promise<boolean>;
  /** What this store would do with the given session cookie value, without changing anything. */
  replay(cookieValue: string): Promise<ReplayVerdict>;
  /**
   * How many session records the server holds, expired ones not yet deleted included: what
   * the store spends on sessions. null for the cookie store, which holds none.
   */
  storedSessions(): Promise<number | null>;
  close(): Promise<void>;
}

// A symbol-keyed slot on the request, not a WeakMap: a WeakMap entry per request is an
// ephemeron the garbage collector must trace, a measurable cost at thousands of requests
// a second. The symbol is not exported, so only these two functions reach the slot.
const portSlot = Symbol('cookie-lab session port');
type WithPort = Request & { [portSlot]?: SessionPort };

export function attachSession(req: Request, port: SessionPort): void {
  (req as WithPort)[portSlot] = port;
}

export function sessionOf(req: Request): SessionPort {
  const port = (req as WithPort)[portSlot];
  if (!port) throw new Error('cookie-lab: no session on this request; is the store middleware mounted?');
  return port;
}
