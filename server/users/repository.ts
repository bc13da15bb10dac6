import { randomUUID } from 'node:crypto';
import type { Low } from 'lowdb';
import { usernameKey, type User, type UserFile } from './user.ts';

export class UsernameTakenError extends Error {
  constructor() {
    super('username taken');
    this.name = 'UsernameTakenError';
  }
}

/**
 * The user store. Lookups read lowdb's in-memory copy; every change is applied to it
 * synchronously (so two concurrent registrations of one name cannot both pass the
 * check) and is resolved only once the file write finished, so nothing is
 * acknowledged that a restart would lose. A failed write is undone in memory too.
 */
export class UserRepository {
  readonly #db: Low<UserFile>;
  readonly #now: () => number;

  constructor(db: Low<UserFile>, now: () => number = Date.now) {
    this.#db = db;
    this.#now = now;
  }

  get #users(): User[] {
    return this.#db.data.users;
  }

  findById(id: string): User | undefined {
    return this.#users.find((user) => user.id === id);
  }

  findByUsername(username: string): User | undefined {
    const key = usernameKey(username);
    return this.#users.find((user) => usernameKey(user.username) === key);
  }

  list(): readonly User[] {
    return this.#users;
  }

  async create(username: string, passwordHash: string): Promise<User> {
    if (this.findByUsername(username)) throw new UsernameTakenError();
    const user: User = {
      id: randomUUID(),
      username,
      passwordHash,
      createdAt: new Date(this.#now()).toISOString(),
      sessionVersion: 0,
    };
    await this.#change(
      () => this.#users.push(user),
      () => this.#users.splice(this.#users.indexOf(user), 1),
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
    const index = this.#users.findIndex((user) => user.id === id);
    if (index === -1) return false;
    const [removed] = this.#users.slice(index, index + 1);
    await this.#change(
      () => this.#users.splice(index, 1),
      () => this.#users.splice(index, 0, removed!),
    );
    return true;
  }

  async #update(id: string, patch: (user: User) => Partial<User>): Promise<User | undefined> {
    const user = this.findById(id);
    if (!user) return undefined;
    const before = { ...user };
    await this.#change(
      () => Object.assign(user, patch(user)),
      () => Object.assign(user, before),
    );
    return user;
  }

  async #change(apply: () => void, undo: () => void): Promise<void> {
    apply();
    try {
      await this.#db.write();
    } catch (error) {
      undo();
      throw error;
    }
  }
}
