import type { RequestHandler } from 'express';
import helmet from 'helmet';

type Header = [name: string, value: string | undefined];

/**
 * helmet's headers, tuned for what this server sends: JSON, plus one lab page that
 * loads its own script and style files and has no inline code. So the policy allows our
 * own files and nothing else: no inline script or style, no plugins, no framing by any
 * page (clickjacking), forms post only to us.
 */
function helmetFor(production: boolean): RequestHandler {
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

/**
 * What helmet sets, read once at start-up by running it against a recording response.
 * None of our policy depends on the request (no nonces), so every answer gets the same
 * list; helmet stays the one place the policy is written, and a request pays for a
 * dozen setHeader calls without a dozen nested middleware calls around them.
 */
function recordHeaders(middleware: RequestHandler): Header[] {
  const headers: Header[] = [];
  const recorder = {
    setHeader: (name: string, value: unknown) => headers.push([name, String(value)]),
    removeHeader: (name: string) => headers.push([name, undefined]),
  };
  let finished = false;
  middleware({ headers: {} } as never, recorder as never, (error?: unknown) => {
    if (error) throw error;
    finished = true;
  });
  if (!finished) throw new Error('cookie-lab: helmet did not finish synchronously');
  return headers;
}

export function securityHeaders(production: boolean): RequestHandler {
  const headers = recordHeaders(helmetFor(production));
  return (_req, res, next) => {
    for (const [name, value] of headers) {
      if (value === undefined) res.removeHeader(name);
      else res.setHeader(name, value);
    }
    next();
  };
}
