import type { Request } from 'express';
import { clientAddress } from '../http/client-address.ts';
import type { AppDeps } from './deps.ts';

/** Checks a password the client typed; counts it as a guess unless it is right. */
export type PasswordCheck = (
  req: Request,
  username: string,
  password: string,
  hash: string | undefined,
) => Promise<boolean>;

/**
 * Every password check goes through here: login, a password change's current password,
 * an account deletion's password. Each counts toward the same per-account and
 * per-address limits (429 too_many_attempts), or a copied session cookie would be an
 * unthrottled way to guess the password. An unknown user (no hash) is compared against
 * the hasher's dummy, so it costs and counts like a wrong password.
 */
export function passwordCheck({ throttle, hasher }: Pick<AppDeps, 'throttle' | 'hasher'>): PasswordCheck {
  return async (req, username, password, hash) => {
    const attempt = await throttle.login.attempt(clientAddress(req), username);
    const valid = await hasher.verify(password, hash);
    if (valid) await attempt.succeeded();
    return valid;
  };
}
