import type { Store } from 'express-session';
import type { Pool } from 'pg';
import type { UserRepository } from '../../users/repository.ts';
import type { RedisClient } from '../../redis.ts';

/**
 * Which sessions belong to a user: what logout-all, a new password and a deleted account
 * need to end every session of one user and nobody else's. The cookie store cannot do
 * this precisely (it bumps a version number instead); a server-side store can.
 */
export interface UserIndex {
  /** Remembers that the session sid belongs to userId; called before the record is saved. */
  add(userId: string, sid: string, ttlSeconds: number): Promise<void>;
  /** Forgets one session (logout); a missing entry is not an error. */
  remove(userId: string, sid: string): Promise<void>;
  /** Deletes every stored session of userId and says how many records went. */
  endAll(userId: string): Promise<number>;
}

/** Memory: nothing to maintain, a scan of every session in the process at logout-all. */
export function scanIndex(store: Store): UserIndex {
  const all = () =>
    new Promise<Record<string, { userId?: string }>>((resolve, reject) =>
      store.all!((error, sessions) =>
        error ? reject(error) : resolve((sessions ?? {}) as Record<string, { userId?: string }>),
      ),
    );
  return {
    add: async () => {},
    remove: async () => {},
    async endAll(userId) {
      const sids = Object.entries(await all())
        .filter(([, session]) => session.userId === userId)
        .map(([sid]) => sid);
      await Promise.all(
        sids.map((sid) => new Promise<void>((resolve) => store.destroy(sid, () => resolve()))),
      );
      return sids.length;
    },
  };
}

/**
 * Redis: one set of session ids per user, `<namespace>:user:<id>`. It expires with the
 * longest session it can hold, so an index whose sessions all ran out goes by itself;
 * ids of sessions that expired meanwhile stay until then and cost one DEL of nothing.
 */
export function redisSetIndex(client: RedisClient, namespace: string, sessionPrefix: string): UserIndex {
  const setKey = (userId: string) => `${namespace}:user:${userId}`;
  return {
    async add(userId, sid, ttlSeconds) {
      await client.multi().sAdd(setKey(userId), sid).expire(setKey(userId), ttlSeconds).exec();
    },
    async remove(userId, sid) {
      await client.sRem(setKey(userId), sid);
    },
    async endAll(userId) {
      const sids = await client.sMembers(setKey(userId));
      // The records and the index in one DEL; the count is of the ids the index held.
      await client.del([...sids.map((sid) => sessionPrefix + sid), setKey(userId)]);
      return sids.length;
    },
  };
}

/** PostgreSQL: the record holds its user id; an expression index makes the DELETE a lookup. */
export function postgresQueryIndex(pool: Pool, table: string): UserIndex {
  return {
    add: async () => {},
    remove: async () => {},
    async endAll(userId) {
      const result = await pool.query(`DELETE FROM ${table} WHERE sess->>'userId' = $1`, [userId]);
      return result.rowCount ?? 0;
    },
  };
}

/**
 * Memcached: no index at all. It cannot list keys by prefix or keep a set per user the way
 * Redis does (its values are opaque and any of them may be evicted), so logout-all bumps
 * the user's session version, as the cookie store does: every record carries the version
 * of its login and is refused (and deleted) on its next read. The records themselves stay
 * until then, or until they expire or are evicted; none is deleted here.
 */
export function versionIndex(users: UserRepository): UserIndex {
  return {
    add: async () => {},
    remove: async () => {},
    async endAll(userId) {
      await users.bumpSessionVersion(userId);
      return 0;
    },
  };
}
