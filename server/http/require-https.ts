import type { RequestHandler } from 'express';
import { HttpError } from './errors.ts';

/**
 * Production mounts this on the API router: every API request must arrive over HTTPS. A
 * password or a session cookie sent in clear text is already lost, so the request is
 * refused before its body is read, and no cookie is issued. req.secure believes
 * X-Forwarded-Proto only when TRUST_PROXY is set. Anything outside the API (/healthz,
 * the lab page) stays reachable, so a load balancer can probe over plain HTTP.
 */
export const requireHttps: RequestHandler = (req, _res, next) => {
  if (req.secure) return next();
  next(
    new HttpError(
      403,
      'https_required',
      'This server only takes API requests over HTTPS. Behind a TLS proxy, set TRUST_PROXY so X-Forwarded-Proto is believed.',
    ),
  );
};
