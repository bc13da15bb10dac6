import { LRUCache } from 'lru-cache';
import type { CookieCodec, OpenedCookie } from './codec.ts';

/** At most this many opened cookies are remembered. */
export const openedCacheEntries = 10_000;
/** And at most about this many bytes of cookie values and payloads (UTF-16: 2 bytes a character). */
export const openedCacheBytes = 16 * 1024 * 1024;

/**
 * Remembers what a cookie value opened to, so the same cookie sent again skips the HMAC
 * check and the AES decryption (and client-sessions' deprecated `new Buffer()`), which
 * were most of the CPU time of an authenticated request.
 *
 * Why this is safe:
 * - The key is the exact cookie value, and opening is a pure function of that value and
 *   the keys, which are fixed for the life of the codec: a hit returns exactly what
 *   opening it again would. A value that differs by one byte is another key, and is
 *   opened (and its HMAC checked) from scratch.
 * - Only successful opens are kept. A forged or tampered value is never remembered, so
 *   garbage cannot fill the cache, and every guess pays the full HMAC check.
 * - Nothing that changes with time is cached: both expiry deadlines, the session version
 *   (revocation) and the user's existence are checked by verifyCookie on every request,
 *   from the sealed timestamps the HMAC covered when the value was first opened.
 * - Memory is bounded by entries and by bytes (a cookie with a long note weighs more);
 *   the least recently used entry goes first. An evicted cookie is simply opened again.
 * - Entries are frozen: no request can change what the next one reads.
 */
export function cacheOpenedCookies(
  codec: CookieCodec,
  limits: { entries: number; bytes: number } = { entries: openedCacheEntries, bytes: openedCacheBytes },
): CookieCodec & { readonly cached: number } {
  const cache = new LRUCache<string, OpenedCookie>({
    max: limits.entries,
    maxSize: limits.bytes,
    sizeCalculation: (opened, value) => 2 * (value.length + (opened.payload.notes?.length ?? 0)) + 256,
  });
  return {
    seal: codec.seal,
    open(value) {
      const hit = cache.get(value);
      if (hit) return hit;
      const opened = codec.open(value);
      if (opened) {
        Object.freeze(opened.payload);
        cache.set(value, Object.freeze(opened));
      }
      return opened;
    },
    get cached() {
      return cache.size;
    },
  };
}
