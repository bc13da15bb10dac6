import type { User, UserPage } from './user.ts';

export class UsernameTakenError extends Error {
  constructor() {
    super('username taken');
    this.name = 'UsernameTakenError';
  }
}

/**
 * The user store, whichever runs (USER_STORE): the lowdb file or PostgreSQL. Every call
 * is asynchronous, so routes and session stores are written once for both; a store that
 * does not answer in time rejects with UserStoreUnavailableError (a 503), never hangs.
 */
export interface UserRepository {
  findById(id: string): Promise<User | undefined>;
  /** Case-insensitive: "Alice" finds alice (usernameKey). */
  findByUsername(username: string): Promise<User | undefined>;
  /**
   * The user's session version, or undefined when the user is gone: what the cookie store
   * compares every cookie to (revocation).
   */
  sessionVersion(id: string): Promise<number | undefined>;
  /** Users ordered by usernameKey (compareUsernameKeys); every user when no page is given. */
  list(page?: UserPage): Promise<User[]>;
  /** Rejects with UsernameTakenError when the name, in any case, is taken. */
  create(username: string, passwordHash: string): Promise<User>;
  /** Ends every session of the user: cookies carry the version they were issued under. */
  bumpSessionVersion(id: string): Promise<User | undefined>;
  /** A new hash and a bumped session version, in one change. */
  changePassword(id: string, passwordHash: string): Promise<User | undefined>;
  delete(id: string): Promise<boolean>;
  /** Releases what the store holds: the file lock, the connections. */
  close(): Promise<void>;
}
