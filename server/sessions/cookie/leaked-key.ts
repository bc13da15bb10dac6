import { randomBytes } from 'node:crypto';
import { deadlinesOf, type Lifetimes } from '../lifetimes.ts';
import type { KeyReading, LeakedKey } from '../port.ts';
import { createCookieCodec, type CookieCodec, type OpenedCookie } from './codec.ts';
import type { CookieStoreOptions } from './options.ts';

/** The user fields a forger needs: what the user file holds, no password. */
export interface ForgeTarget {
  id: string;
  username: string;
  sessionVersion: number;
}

/** Bytes of the random key a lab rotation makes (the same strength as the generated development key). */
export const rotatedKeyBytes = 48;

/** What a cookie opened to, with its times as times: `npm run cookie -- decode` and the lab alike. */
export function readOpened(opened: OpenedCookie, lifetimes: Lifetimes): KeyReading & { format: 'sealed' } {
  const { idle, absolute } = deadlinesOf(opened.sealedAt, opened.payload.issuedAt, lifetimes);
  return {
    format: 'sealed',
    payload: { ...opened.payload },
    sealedAt: new Date(opened.sealedAt).toISOString(),
    idleExpiresAt: new Date(idle).toISOString(),
    absoluteExpiresAt: new Date(absolute).toISOString(),
    keyIndex: opened.keyIndex,
  };
}

/**
 * A cookie value the server cannot tell from one it issued at a real login: the same
 * payload, sealed with the same key. No password, no server state, nothing logged.
 */
export function forgeValue(codec: CookieCodec, user: ForgeTarget, now: number, idleSeconds: number): string {
  const payload = { userId: user.id, username: user.username, version: user.sessionVersion, issuedAt: now };
  return codec.seal(payload, now, idleSeconds * 1000);
}

/**
 * The cookie store's keys in the lab. Rotation swaps the codec the store's options hold
 * (every session reads it from there), so the running server seals and opens with the
 * new key alone from the next request on; `remember` wraps it as the store's own was.
 */
export function cookieLeakedKey(
  options: CookieStoreOptions,
  remember: (codec: CookieCodec) => CookieCodec,
): LeakedKey {
  return {
    name: options.flags.name,
    decode(value) {
      const opened = options.codec.open(value);
      return opened ? readOpened(opened, options) : null;
    },
    forge: (user) =>
      forgeValue(
        options.codec,
        { id: user.id, username: user.username, sessionVersion: user.sessionVersion },
        options.now(),
        options.idleSeconds,
      ),
    rotate() {
      const key = randomBytes(rotatedKeyBytes).toString('base64url');
      options.codec = remember(createCookieCodec(options.flags.name, [key]));
    },
  };
}
