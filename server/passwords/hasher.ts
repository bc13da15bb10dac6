import bcrypt from 'bcryptjs';
import { longerThanBcryptReads } from './limits.ts';

/** What the routes may ask of password hashing; the worker-pool hasher fits the same shape. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /**
   * Checks a password against a stored hash. With no hash (unknown user) it still does
   * a full bcrypt comparison against a dummy hash of the same cost, so an unknown
   * username takes as long as a wrong password and cannot be told apart by timing.
   */
  verify(password: string, hash: string | undefined): Promise<boolean>;
  close(): Promise<void>;
}

// bcryptjs' async API, never the *Sync calls: those hold the event loop for the whole
// hash (about 218 ms at cost 12 here), during which the server answers nobody.
export function createBcryptHasher(cost: number): PasswordHasher {
  // Made at once, not on the first unknown user, whose login would otherwise take two
  // hashes' time and stand out.
  const dummy = bcrypt.hash('dummy password for unknown users', cost);
  return {
    hash: (password) => bcrypt.hash(password, cost),
    async verify(password, hash) {
      // bcrypt would compare only the first 72 bytes, so "the real password + anything"
      // would pass. No stored password is longer (the policy refuses them), so a longer
      // one is wrong: it gets the same full comparison, against the dummy.
      if (hash === undefined || longerThanBcryptReads(password)) {
        await bcrypt.compare(password, await dummy);
        return false;
      }
      return bcrypt.compare(password, hash);
    },
    close: async () => {
      await dummy;
    },
  };
}
