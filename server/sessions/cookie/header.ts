import type { Response } from 'express';
import type { Config } from '../../config.ts';

/** The lesson's cookie name (`session=12345`), for every store. */
export const plainCookieName = 'session';
/**
 * Production's name: with __Host- the browser refuses the cookie unless it is Secure,
 * Path=/ and has no Domain, so a sibling subdomain cannot plant or overwrite it.
 */
export const hostCookieName = '__Host-session';

/** The session cookie's name and Secure flag for this configuration, whichever store runs. */
export function cookieFlagsFor(config: Pick<Config, 'mode'>): CookieFlags {
  const production = config.mode === 'production';
  return { name: production ? hostCookieName : plainCookieName, secure: production };
}

export interface CookieFlags {
  name: string;
  /** Secure: only ever sent over HTTPS. On in production. */
  secure: boolean;
}

// HttpOnly, not signing, is what keeps a cookie away from page scripts (the course
// notes say otherwise). SameSite=Lax keeps it off cross-site POSTs.
function attributes(flags: CookieFlags): string {
  return `Path=/; HttpOnly; SameSite=Lax${flags.secure ? '; Secure' : ''}`;
}

export function sessionCookie(flags: CookieFlags, value: string, expires: Date): string {
  return `${flags.name}=${value}; ${attributes(flags)}; Expires=${expires.toUTCString()}`;
}

export function clearedCookie(flags: CookieFlags): string {
  return `${flags.name}=; ${attributes(flags)}; Expires=${new Date(0).toUTCString()}`;
}

/** The first value of the named cookie in a Cookie header; later duplicates are ignored. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  const prefix = name + '=';
  for (const part of header.split(';')) {
    const pair = part.trim();
    if (pair.startsWith(prefix)) return pair.slice(prefix.length);
  }
  return undefined;
}

const pastedName = new RegExp(`^(${hostCookieName}|${plainCookieName})=`);

/**
 * The cookie value in what a person pasted: the value devtools shows, or a whole
 * "session=..." pair (from a Cookie or Set-Cookie line), with stray spaces.
 */
export function pastedCookieValue(text: string): string {
  return text.trim().replace(pastedName, '').split(';')[0]!.trim();
}

/**
 * Sets this response's session cookie, replacing one set earlier in the same request (a
 * login after the middleware re-sealed). The session cookie is the only cookie this app
 * sets, so replacing the header replaces exactly that line.
 */
export function putSetCookie(res: Response, header: string): void {
  res.setHeader('Set-Cookie', header);
}
