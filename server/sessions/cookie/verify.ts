import { deadlinesOf, expiryOf } from '../lifetimes.ts';
import type { RejectionReason } from '../port.ts';
import type { OpenedCookie } from './codec.ts';
import type { CookieStoreOptions } from './options.ts';

export type Verified =
  | { state: 'none' }
  | { state: 'rejected'; reason: RejectionReason }
  | { state: 'valid'; opened: OpenedCookie; value: string };

/**
 * Everything the server checks before it believes a cookie. The cookie's own Expires is
 * only advice to the browser, so both deadlines are enforced here from the sealed
 * timestamps, which the HMAC covers.
 */
export async function verifyCookie(
  value: string | undefined,
  options: CookieStoreOptions,
): Promise<Verified> {
  if (value === undefined || value === '') return { state: 'none' };
  const opened = options.codec.open(value);
  if (!opened) return { state: 'rejected', reason: 'invalid' };
  const { payload, sealedAt } = opened;
  const expired = expiryOf(deadlinesOf(sealedAt, payload.issuedAt, options), options.now());
  if (expired) return { state: 'rejected', reason: expired };
  // Reading the user record on every request is the server state that buys revocation:
  // logout-all, a new password or a deleted account bump or remove what this compares to.
  if ((await options.users.sessionVersion(payload.userId)) !== payload.version)
    return { state: 'rejected', reason: 'revoked' };
  return { state: 'valid', opened, value };
}
