import type { BruteForceLimits } from '../config.ts';
import { usernameKey } from '../users/user.ts';
import type { ThrottleStore } from './throttle-store.ts';
import { isRefusal, tooManyAttempts } from './too-many-attempts.ts';

/** One login attempt, already counted as a failure until it says it succeeded. */
export interface LoginAttempt {
  /** Successes do not count: refunds the address, and resets the account's count. */
  succeeded(): Promise<void>;
}

export interface LoginThrottle {
  /** Counts an attempt for the address and the account, or throws 429 when either is spent. */
  attempt(address: string, username: string): Promise<LoginAttempt>;
}

/**
 * Throttles failed logins per account (from any address: a botnet guessing one
 * password) and per address (one client trying many accounts). Each attempt is counted
 * before the password is checked and refunded on success: counting only after the
 * bcrypt compare would let a burst of parallel guesses all pass the check at once.
 * Unknown usernames are counted like real ones, so a 429 reveals no account.
 */
export function createLoginThrottle(limits: BruteForceLimits, store: ThrottleStore): LoginThrottle {
  const perAccount = store.limiter({
    keyPrefix: 'login-account',
    points: limits.loginFailuresPerAccount,
    duration: limits.loginWindowSeconds,
  });
  const perAddress = store.limiter({
    keyPrefix: 'login-address',
    points: limits.loginFailuresPerAddress,
    duration: limits.loginWindowSeconds,
  });

  return {
    async attempt(address, username) {
      const account = usernameKey(username);
      try {
        await perAddress.consume(address);
      } catch (error) {
        if (!isRefusal(error)) throw error;
        throw tooManyAttempts(limits.loginFailuresPerAddress, error, 'failed logins from your address');
      }
      try {
        await perAccount.consume(account);
      } catch (error) {
        // Refused before any password was checked: not a guess, so not the address's.
        await perAddress.reward(address);
        if (!isRefusal(error)) throw error;
        throw tooManyAttempts(limits.loginFailuresPerAccount, error, 'failed logins for this account');
      }
      return {
        async succeeded() {
          await Promise.all([perAddress.reward(address), perAccount.delete(account)]);
        },
      };
    },
  };
}
