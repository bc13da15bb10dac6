import type { ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import onHeaders from 'on-headers';

/** `name=<bytes>` for each cookie of a Cookie header: the names and sizes, never a value. */
function cookieSizes(header: string): string {
  return header
    .split(';')
    .map((pair) => pair.trim())
    .filter(Boolean)
    .map((pair) => {
      const at = pair.indexOf('=');
      const name = at === -1 ? pair : pair.slice(0, at);
      return `${name}=${Buffer.byteLength(pair.slice(at + 1), 'utf8')}`;
    })
    .join('; ');
}

/** A Set-Cookie line with its value replaced by the value's size: the attributes stay readable. */
function withoutValue(line: string): string {
  return line.replace(/^([^=;]*)=([^;]*)/, (_all, name: string, value: string) => {
    return `${name}=<${Buffer.byteLength(value, 'utf8')} bytes>`;
  });
}

/**
 * The headers on the wire, for the lab page (lab mode only). A page script can read
 * neither the Cookie header its browser sends nor a Set-Cookie answer (fetch hides both),
 * and must not: the session cookie is HttpOnly. So every answer, the page's own files
 * included, reports their sizes, and nothing a script could replay:
 * - `Server-Timing: cookie;desc=<bytes>`: the Cookie header this request carried. The
 *   Resource Timing API hands it to the page for every file it loaded, lab.css included.
 * - `X-Lab-Cookie`: each cookie received as `name=<bytes of its value>`.
 * - `X-Lab-Set-Cookie`: a JSON list, one entry per Set-Cookie line of this answer: the
 *   line with `<N bytes>` for its value, and the full line's bytes (JSON, since Expires
 *   holds a comma).
 */
export const labWire: RequestHandler = (req, res, next) => {
  // What the request carried is known now; only Set-Cookie waits for the headers to go out.
  const received = req.headers.cookie ?? '';
  res.setHeader('Server-Timing', `cookie;desc=${Buffer.byteLength(received, 'utf8')}`);
  if (received) res.setHeader('X-Lab-Cookie', cookieSizes(received));
  onHeaders(res, reportSetCookie);
  next();
};

function reportSetCookie(this: ServerResponse): void {
  const set = this.getHeader('Set-Cookie');
  if (set === undefined) return;
  const lines = Array.isArray(set) ? set : [String(set)];
  const report = lines.map((line) => ({ line: withoutValue(line), bytes: Buffer.byteLength(line, 'utf8') }));
  this.setHeader('X-Lab-Set-Cookie', JSON.stringify(report));
}
