import type { Request, RequestHandler } from 'express';
import { HttpError } from './errors.ts';

const stateChanging = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Sec-Fetch-Site values that mean the page making the request is our own, or nobody's. */
const ownFetches = new Set(['same-origin', 'none']);

/**
 * This server's own origin as the browser sees it: the scheme and the Host header (with
 * TRUST_PROXY, X-Forwarded-Proto and X-Forwarded-Host, which is what the browser
 * addressed). Undefined when the request names no usable host.
 */
function ownOrigin(req: Request): string | undefined {
  if (!req.host) return undefined;
  try {
    return new URL(`${req.protocol}://${req.host}`).origin;
  } catch {
    return undefined;
  }
}

function sameOrigin(origin: string, req: Request): boolean {
  // "null" is an opaque origin (sandboxed frame, data: URL, some redirects): never ours.
  if (origin === 'null') return false;
  try {
    return new URL(origin).origin === ownOrigin(req);
  } catch {
    return false;
  }
}

/**
 * Refuses a state-changing request that a browser says another origin's page sent:
 * login, register and logout included (a forged login is an attack too). Browsers put
 * Origin on every POST/PUT/PATCH/DELETE, and Sec-Fetch-Site on most; tools like curl
 * send neither and pass, since no victim's cookie rides along with them. SameSite=Lax
 * already keeps our cookie off cross-site POSTs; this covers older browsers, sibling
 * subdomains (same site, other origin), and requests that need no cookie.
 */
export const refuseCrossSite: RequestHandler = (req, _res, next) => {
  if (!stateChanging.has(req.method)) return next();
  const origin = req.get('Origin');
  const fetchSite = req.get('Sec-Fetch-Site');
  const foreign =
    origin !== undefined ? !sameOrigin(origin, req) : fetchSite !== undefined && !ownFetches.has(fetchSite);
  if (!foreign) return next();
  next(
    new HttpError(
      403,
      'cross_site_request',
      "Refused: another site sent this request (Origin or Sec-Fetch-Site says so). Send it from this site's own pages.",
    ),
  );
};
