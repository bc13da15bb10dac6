import type { User } from './user.ts';

/**
 * The user records this instance has read from PostgreSQL, trusted only while it is sure
 * to hear of every change: the cookie store then checks a session version without a round
 * trip per request, and still refuses a revoked cookie on every instance.
 *
 * Every change (version bump, new password, deletion), made by any instance, is announced
 * with NOTIFY in the statement that makes it; the listening connection calls changed().
 * The cache is trusted only until `freshUntil`, which each answered heartbeat on that
 * connection pushes forward: a connection that drops, or stalls without a word, stops the
 * trust within that window, and every read goes to the database until it is back.
 */
export class UserCache {
  readonly #users = new Map<string, User>();
  /** Moves on every change heard and every loss: a read that started before it is not kept. */
  #generation = 0;
  #freshUntil = 0;
  /** Reads that went to the database: what the cache saved is visible (specs, bench). */
  databaseReads = 0;

  constructor(
    readonly maxEntries = 100_000,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  get trusted(): boolean {
    return this.clock() < this.#freshUntil;
  }

  /**
   * The channel answered a heartbeat sent at `sentAt`: every change committed before then
   * has been heard, so the cache is good until `sentAt + freshForMs`.
   */
  heard(sentAt: number, freshForMs: number): void {
    this.#freshUntil = Math.max(this.#freshUntil, sentAt + freshForMs);
  }

  /** The channel is gone: changes may be missed from now on, so nothing kept can be believed. */
  lost(): void {
    this.#freshUntil = 0;
    this.#generation++;
    this.#users.clear();
  }

  /** A change to the user was announced (or made here): the next read goes to the database. */
  changed(id: string): void {
    this.#generation++;
    this.#users.delete(id);
  }

  async read(id: string, fetch: () => Promise<User | undefined>): Promise<User | undefined> {
    if (this.trusted) {
      const kept = this.#users.get(id);
      if (kept) return kept;
    }
    const generation = this.#generation;
    this.databaseReads++;
    const user = await fetch();
    // A change heard while the read was on its way may be newer than what it brought back.
    if (user && this.trusted && generation === this.#generation) {
      if (this.#users.size >= this.maxEntries) this.#users.delete(this.#users.keys().next().value!);
      this.#users.set(id, user);
    }
    return user;
  }
}
