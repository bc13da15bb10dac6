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

/**
 * verify() for every hasher, the one home of its two rules. An unknown user (no stored
 * hash) gets a full comparison against `dummy`, a hash of the same cost, so it takes as long
 * as a wrong password. A password over bcrypt's 72 bytes would be compared on its first 72
 * only ("the real password + anything" would pass); no stored password is longer (the
 * policy refuses them), so it is wrong, and it gets the same full comparison, against the
 * dummy. Exactly one comparison either way.
 */
export function verifyWithDummy(
  compare: (password: string, hash: string) => Promise<boolean>,
  dummy: Promise<string>,
): PasswordHasher['verify'] {
  return async (password, stored) => {
    if (stored === undefined || longerThanBcryptReads(password)) {
      await compare(password, await dummy);
      return false;
    }
    return compare(password, stored);
  };
}

// bcryptjs' async API, never the *Sync calls: those hold the event loop for the whole
// hash (about 218 ms at cost 12 here), during which the server answers nobody.
export function createBcryptHasher(cost: number): PasswordHasher {
  // Made at once, not on the first unknown user, whose login would otherwise take two
  // hashes' time and stand out.
  const dummy = bcrypt.hash('dummy password for unknown users', cost);
  return {
    hash: (password) => bcrypt.hash(password, cost),
    verify: verifyWithDummy((password, hash) => bcrypt.compare(password, hash), dummy),
    close: async () => {
      await dummy;
    },
  };
}
