import type { Low } from 'lowdb';
import { UsernameTakenError, type UserRepository } from './repository.ts';
import {
  compareUsernameKeys,
  newUser,
  usernameKey,
  type User,
  type UserFile,
  type UserPage,
} from './user.ts';

/**
 * The user store. Lookups read lowdb's in-memory copy; every change is applied to it
 * synchronously (so two concurrent registrations of one name cannot both pass the
 * check) and is resolved only once a write holding it is durable (DurableJSONFile), so
 * nothing is acknowledged that a crash or a restart would lose. A failed write is
 * undone in memory too, without touching changes made meanwhile by other requests.
 */
export class LowdbUserRepository implements UserRepository {
  /** `release` frees the file when the app closes (the lock of user-file-lock.ts). */
  constructor(
    private readonly db: Low<UserFile>,
    private readonly now: () => number = Date.now,
    private readonly release: () => Promise<void> = async () => {},
  ) {}

  get #users(): User[] {
    return this.db.data.users;
  }

  // The lookups are synchronous inside: a change checks and applies in one turn, so two
  // concurrent registrations of one name cannot both pass the check.
  #byId(id: string): User | undefined {
    return this.#users.find((user) => user.id === id);
  }

  #byUsername(username: string): User | undefined {
    const key = usernameKey(username);
    return this.#users.find((user) => usernameKey(user.username) === key);
  }

  async findById(id: string): Promise<User | undefined> {
    return this.#byId(id);
  }

  async findByUsername(username: string): Promise<User | undefined> {
    return this.#byUsername(username);
  }

  async sessionVersion(id: string): Promise<number | undefined> {
    return this.#byId(id)?.sessionVersion;
  }

  async list(page?: UserPage): Promise<User[]> {
    if (!page) return [...this.#users];
    const after = page.after === undefined ? undefined : usernameKey(page.after);
    return this.#users
      .map((user) => ({ user, key: usernameKey(user.username) }))
      .filter(({ key }) => after === undefined || compareUsernameKeys(key, after) > 0)
      .sort((a, b) => compareUsernameKeys(a.key, b.key))
      .slice(0, page.limit)
      .map(({ user }) => user);
  }

  close(): Promise<void> {
    return this.release();
  }

  async create(username: string, passwordHash: string): Promise<User> {
    if (this.#byUsername(username)) throw new UsernameTakenError();
    const user = newUser(username, passwordHash, this.now());
    await this.#change(
      () => this.#users.push(user),
      () => this.#remove(user),
    );
    return user;
  }

  /** Ends every session of the user: cookies carry the version they were issued under. */
  async bumpSessionVersion(id: string): Promise<User | undefined> {
    return this.#update(id, (user) => ({ sessionVersion: user.sessionVersion + 1 }));
  }

  async changePassword(id: string, passwordHash: string): Promise<User | undefined> {
    return this.#update(id, (user) => ({ passwordHash, sessionVersion: user.sessionVersion + 1 }));
  }

  async delete(id: string): Promise<boolean> {
    const user = this.#byId(id);
    if (!user) return false;
    let index = -1;
    await this.#change(
      () => (index = this.#remove(user)),
      // Other changes may have moved the list meanwhile: put the record back near its
      // old place, rather than at an index that may now be past the end.
      () => this.#users.splice(Math.min(index, this.#users.length), 0, user),
    );
    return true;
  }

  async #update(id: string, patch: (user: User) => Partial<User>): Promise<User | undefined> {
    const user = this.#byId(id);
    if (!user) return undefined;
    const before = { ...user };
    let after: Partial<User> = {};
    await this.#change(
      () => Object.assign(user, (after = patch(user))),
      // Restores only the fields that still hold this change's values: a change made
      // meanwhile (and perhaps already acknowledged) must not be rolled back with it.
      () => {
        for (const key of Object.keys(after) as (keyof User)[]) {
          if (user[key] === after[key]) Object.assign(user, { [key]: before[key] });
        }
      },
    );
    return user;
  }

  /** Takes the record out of the list; returns where it was, or -1. */
  #remove(user: User): number {
    const index = this.#users.indexOf(user);
    if (index !== -1) this.#users.splice(index, 1);
    return index;
  }

  async #change(apply: () => void, undo: () => void): Promise<void> {
    apply();
    try {
      await this.db.write();
    } catch (error) {
      undo();
      throw error;
    }
  }
}
