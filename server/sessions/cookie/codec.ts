import clientSessions from 'client-sessions';
import { z } from 'zod';

/**
 * What a session cookie holds once opened: the least a session needs. Never a password
 * or a hash: anyone who ever holds the key can read every cookie it sealed.
 */
export const cookiePayload = z.object({
  userId: z.string(),
  username: z.string(),
  /** The user's session version when this session started; a bump revokes it. */
  version: z.number().int().nonnegative(),
  /** Login time, ms since the epoch: the absolute lifetime counts from here. */
  issuedAt: z.number().int().nonnegative(),
  /** Free text a user stored in the session, to watch the cookie grow. */
  notes: z.string().optional(),
});
export type CookiePayload = z.infer<typeof cookiePayload>;

export interface OpenedCookie {
  payload: CookiePayload;
  /** When the cookie was last sealed (client-sessions' createdAt): idle time counts from here. */
  sealedAt: number;
  /** Which key of SESSION_SECRET opened it: 0 is the newest. */
  keyIndex: number;
}

export interface CookieCodec {
  seal(payload: CookiePayload, sealedAt: number, durationMs: number): string;
  /** Undefined for anything not sealed by one of our keys: tampered, truncated, foreign. */
  open(value: string): OpenedCookie | undefined;
}

const base64url = '[A-Za-z0-9_-]+';
const decimal = '(?:0|[1-9][0-9]*)';
const wireShape = new RegExp(`^${base64url}\\.${base64url}\\.${decimal}\\.${decimal}\\.${base64url}$`);

/** The five parts of a value that has client-sessions' shape (wireShape): all present. */
export function sealedParts(value: string): [string, string, string, string, string] {
  return value.split('.') as [string, string, string, string, string];
}

/**
 * Whether a value is written exactly as seal() writes it. client-sessions reads createdAt
 * and duration with parseInt (`0`+n, n+`abc`, `+`n all read as n) and Node decodes base64
 * leniently (`+/` for `-_`, padding, quotes and other strays skipped, unused trailing
 * bits ignored), so without this check one session opens under many spellings, each a
 * value of its own to a cache or a log. Only the one spelling is a session.
 */
function isCanonical(value: string): boolean {
  if (!wireShape.test(value)) return false;
  const [iv, ciphertext, createdAt, duration, hmac] = sealedParts(value);
  const roundTrips = (part: string) => Buffer.from(part, 'base64url').toString('base64url') === part;
  const safe = (part: string) => Number.isSafeInteger(Number(part));
  return roundTrips(iv) && roundTrips(ciphertext) && roundTrips(hmac) && safe(createdAt) && safe(duration);
}

/**
 * client-sessions' own wire format, `iv.ciphertext.createdAt.duration.hmac`
 * (AES-256-CBC, then HMAC-SHA256 over all of it), through its exported `util`, so
 * every cookie still opens with client-sessions and the right secret. What the library
 * lacks, key rotation, is a loop over the keys: seal with the first, open with any.
 */
export function createCookieCodec(cookieName: string, secrets: readonly string[]): CookieCodec {
  if (secrets.length === 0) throw new Error('cookie-lab: at least one session secret is needed');
  // client-sessions derives the AES and HMAC keys into the options object on first use,
  // so one object per key keeps that derivation to once per process.
  const keys = secrets.map((secret) => ({ cookieName, secret }));
  return {
    seal: (payload, sealedAt, durationMs) =>
      clientSessions.util.encode(keys[0]!, payload, durationMs, sealedAt),
    open(value) {
      if (!isCanonical(value)) return undefined;
      for (const [keyIndex, key] of keys.entries()) {
        let decoded: ReturnType<typeof clientSessions.util.decode> | undefined;
        try {
          decoded = clientSessions.util.decode(key, value);
        } catch {
          // Not a value client-sessions can read: left undefined, like one it refuses.
        }
        if (!decoded) continue;
        const payload = cookiePayload.safeParse(decoded.content);
        if (!payload.success) return undefined;
        return { payload: payload.data, sealedAt: decoded.createdAt, keyIndex };
      }
      return undefined;
    },
  };
}
