import type { Request, RequestHandler } from 'express';
import { notAuthenticated } from '../http/errors.ts';
import { sessionOf, type SessionUser } from '../sessions/port.ts';

/** The classic `restrict` guard: no session, no entry. */
export const requireUser: RequestHandler = (req, _res, next) => {
  next(sessionOf(req).current() ? undefined : notAuthenticated());
};

/** The session's user, for handlers mounted behind requireUser. */
export function currentUser(req: Request): SessionUser {
  const user = sessionOf(req).current();
  if (!user) throw notAuthenticated();
  return user;
}
