import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * helmet's headers, tuned for what this server sends: JSON, plus one lab page that
 * loads its own script and style files and has no inline code. So the policy allows our
 * own files and nothing else: no inline script or style, no plugins, no framing by any
 * page (clickjacking), forms post only to us.
 */
export function securityHeaders(production: boolean): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'script-src-attr': ["'none'"],
        'style-src': ["'self'"],
        'img-src': ["'self'", 'data:'],
        'font-src': ["'self'"],
        'connect-src': ["'self'"],
        'object-src': ["'none'"],
        'base-uri': ["'none'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
        // Over plain HTTP in development this would rewrite the page's own requests to
        // an https:// that nothing listens on.
        ...(production ? { 'upgrade-insecure-requests': [] } : {}),
      },
    },
    xFrameOptions: { action: 'deny' },
    // HSTS means something only over HTTPS, which only production insists on.
    strictTransportSecurity: production ? { maxAge: 365 * 24 * 60 * 60, includeSubDomains: true } : false,
  });
}
