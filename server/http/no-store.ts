import type { RequestHandler } from 'express';

/**
 * `Cache-Control: no-store`: a shared or back-button cache must never replay one user's
 * data (or a login's Set-Cookie) to someone else. Mounted on the API router, so every
 * API answer gets it, login and its errors too (both 401s stay alike).
 */
export const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  next();
};

/** The same for anything else asked with a cookie: an answer to a cookie may be personal. */
export const noStoreWithCookie: RequestHandler = (req, res, next) => {
  if (req.headers.cookie !== undefined) return noStore(req, res, next);
  next();
};
