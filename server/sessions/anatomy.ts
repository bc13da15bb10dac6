import { sealedParts } from './cookie/codec.ts';
import type { CookieAnatomy, CookiePart } from './port.ts';

/**
 * How much of a secret-bearing part the lab page is shown. The page may show the
 * cookie's shape, never the cookie: handing a page script the whole value would undo
 * HttpOnly, the one thing that keeps an injected script from carrying the session away.
 */
const shownCharacters = 8;

function part(name: string, text: string, whole: boolean): CookiePart {
  return {
    name,
    bytes: Buffer.byteLength(text, 'utf8'),
    shown: whole ? text : text.slice(0, shownCharacters) + '…',
    whole,
  };
}

/**
 * client-sessions' `iv.ciphertext.createdAt.duration.hmac`: createdAt and duration are
 * plain decimal numbers anyone holding the cookie can read (the HMAC stops them being
 * changed, nothing stops them being read); the rest is base64url.
 */
export function sealedAnatomy(name: string, value: string): CookieAnatomy {
  // Only a cookie that opened is shown, and it has all five parts.
  const [iv, ciphertext, createdAt, duration, hmac] = sealedParts(value);
  return {
    name,
    format: 'sealed',
    valueBytes: Buffer.byteLength(value, 'utf8'),
    parts: [
      part('iv', iv, false),
      part('ciphertext', ciphertext, false),
      part('createdAt', createdAt, true),
      part('duration', duration, true),
      part('hmac', hmac, false),
    ],
    storeKey: null,
  };
}

/**
 * express-session's `s:<id>.<signature>`, URL-encoded in the cookie (`s%3A…`). The id is
 * the store's key for the record; shortened like the signature, since with the key
 * (a leak) the whole id is a working cookie.
 */
export function signedIdAnatomy(name: string, value: string, sid: string, storeKey: string): CookieAnatomy {
  const decoded = decodeURIComponent(value);
  const signature = decoded.slice(2 + sid.length + 1);
  const id = part('id', sid, false);
  return {
    name,
    format: 'signed-id',
    valueBytes: Buffer.byteLength(value, 'utf8'),
    parts: [part('prefix', 's:', true), id, part('signature', signature, false)],
    storeKey: storeKey.replace(sid, id.shown),
  };
}
