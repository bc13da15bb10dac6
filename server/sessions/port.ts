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

/** One dot-separated part of the session cookie's value. */
export interface CookiePart {
  name: string;
  /** Bytes this part takes in the cookie. */
  bytes: number;
  /** The part itself where anyone holding the cookie can read it anyway; otherwise its first characters. */
  shown: string;
  /** Whether `shown` is the whole part. */
  whole: boolean;
}

/** What this session's cookie is made of: the lab page shows its shape, never the whole value. */
export interface CookieAnatomy {
  name: string;
  /** `sealed`: client-sessions' five parts; `signed-id`: express-session's `s:<id>.<signature>`. */
  format: 'sealed' | 'signed-id';
  /** Bytes of the value alone (the Set-Cookie line adds the name and the attributes). */
  valueBytes: number;
  parts: CookiePart[];
  /** Where a server-side store keeps the record, the id shortened; null for the cookie store. */
  storeKey: string | null;
}

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
  /** The most of one cookie a browser keeps, whichever store runs (the budget applies it). */
  limit: number;
  cookie: CookieAnatomy;
  /** The record exactly as the store holds it (express-session's bookkeeping included); null for the cookie store. */
  record: Record<string, unknown> | null;
}

/** What ending a session did, so a route can say it truthfully without knowing the store. */
export type SessionEnding =
  /** The browser was told to forget its cookie; a copy made before still works until it expires. */
  | 'cookie_cleared'
  /** The server deleted the session: every copy of the cookie names nothing now. */
  | 'record_deleted';

/** What the holder of the session key reads in a cookie value (the leaked-key lab). */
export type KeyReading =
  | {
      format: 'sealed';
      payload: Record<string, unknown>;
      sealedAt: string;
      idleExpiresAt: string;
      absoluteExpiresAt: string;
      keyIndex: number;
    }
  | { format: 'signed-id'; sid: string; keyIndex: number };

/**
 * What a leaked SESSION_SECRET buys, for the lab (never served in production): reading,
 * forging, and the one remedy, a new key that every existing cookie fails.
 */
export interface LeakedKey {
  /** The session cookie's name, to put a forged value in a browser. */
  readonly name: string;
  /** What the key reads in a pasted cookie value, or null when it opens nothing. */
  decode(value: string): KeyReading | null;
  /**
   * A cookie value signed with the newest key for this user: a working session in the
   * cookie store; in a server-side store, an id no record has, so it names no session.
   */
  forge(user: User): string;
  /** Replaces every key with one new random key, in this process only: every cookie issued so far fails. */
  rotate(): void;
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
  /** Ends this browser's session, and says how. A copy of a cookie-store cookie stays valid: see docs. */
  end(): Promise<SessionEnding>;
  /**
   * Ends every session of the current user on every device, this one included. Like
   * setNotes, only asked behind requireUser: there is a session.
   */
  endAll(): Promise<void>;
  /** Why the cookie this request sent was refused, or null (none sent, or accepted). */
  rejection(): RejectionReason | null;
  /**
   * Replaces the note; a cookie store refuses with 413 when the cookie would outgrow 4 KB,
   * unless `overBudget` (the lab's silent-drop demo) sends it anyway.
   */
  setNotes(text: string, options?: { overBudget?: boolean }): Promise<void>;
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
  /** The leaked-key lab's view of this store's keys. */
  readonly leakedKey: LeakedKey;
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
