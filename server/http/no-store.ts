import type { RequestHandler } from 'express';

/**
 * `Cache-Control: no-store` on every API answer and on anything asked with a cookie:
 * a shared or back-button cache must never replay one user's data (or a login's
 * Set-Cookie) to someone else. Login and its errors get it too, so both 401s stay alike.
 */
export const noStore: RequestHandler = (req, res, next) => {
  if (req.path.startsWith('/api/') || req.headers.cookie !== undefined) {
    res.setHeader('Cache-Control', 'no-store');
  }
  next();
};
