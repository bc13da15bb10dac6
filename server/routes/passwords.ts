import type { Request } from 'express';
import { clientAddress } from '../http/client-address.ts';
import type { AppDeps } from './deps.ts';

/** Every bcrypt the routes run, each in its address's turn at the hashing pool. */
export interface Passwords {
  /** Checks a password the client typed; counts it as a guess unless it is right. */
  check(req: Request, username: string, password: string, hash: string | undefined): Promise<boolean>;
  /** Hashes a new password. */
  hash(req: Request, password: string): Promise<string>;
}

/**
 * Every password check goes through here: login, a password change's current password,
 * an account deletion's password. Each counts toward the same per-account and
 * per-address limits (429 too_many_attempts), or a copied session cookie would be an
 * unthrottled way to guess the password. An unknown user (no hash) is compared against
 * the hasher's dummy, so it costs and counts like a wrong password. Hashes wait for
 * their address's turn (http/hash-turns.ts), so one client cannot starve the others.
 */
export function passwords({ throttle, hasher }: Pick<AppDeps, 'throttle' | 'hasher'>): Passwords {
  return {
    check(req, username, password, hash) {
      const address = clientAddress(req);
      // Counted inside the turn, right before the compare: a burst of parallel guesses
      // is counted one by one, never all let through before the first is counted.
      return throttle.hashTurns.run(address, async () => {
        const attempt = await throttle.login.attempt(address, username);
        const valid = await hasher.verify(password, hash);
        if (valid) await attempt.succeeded();
        return valid;
      });
    },
    hash(req, password) {
      return throttle.hashTurns.run(clientAddress(req), () => hasher.hash(password));
    },
  };
}
