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
}

/** One session store: the middleware that gives each request its SessionPort. */
export interface SessionStore {
  readonly kind: StoreKind;
  readonly middleware: RequestHandler;
  /** Whether the backing service answers (always true for the cookie store). */
  reachable(): Promise<boolean>;
  close(): Promise<void>;
}

const ports = new WeakMap<Request, SessionPort>();

export function attachSession(req: Request, port: SessionPort): void {
  ports.set(req, port);
}

export function sessionOf(req: Request): SessionPort {
  const port = ports.get(req);
  if (!port) throw new Error('cookie-lab: no session on this request; is the store middleware mounted?');
  return port;
}
