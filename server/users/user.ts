import { randomUUID } from 'node:crypto';
import { z } from 'zod';

// The shape of one record in the user file, declared once: the file is validated
// against it at start-up, and every module that touches a user imports it.
export const userRecord = z.object({
  id: z.string().min(1),
  username: z.string().min(1),
  passwordHash: z.string().min(1),
  createdAt: z.string().min(1),
  /** Bumped to end every session of the user at once (logout everywhere, new password). */
  sessionVersion: z.number().int().nonnegative().default(0),
});

export const userFileShape = z.object({ users: z.array(userRecord) }).strict();

export type User = z.infer<typeof userRecord>;
export type UserFile = z.infer<typeof userFileShape>;

/** A new account as every user store records it: a fresh id, no session ended yet. */
export function newUser(username: string, passwordHash: string, createdAtMs: number): User {
  return {
    id: randomUUID(),
    username,
    passwordHash,
    createdAt: new Date(createdAtMs).toISOString(),
    sessionVersion: 0,
  };
}

/** What any response may say about a user: never the hash. */
export type PublicUser = Pick<User, 'id' | 'username' | 'createdAt'>;

export function toPublic(user: User): PublicUser {
  return { id: user.id, username: user.username, createdAt: user.createdAt };
}

/** Usernames are unique without regard to case: "Alice" and "alice" are one account. */
export function usernameKey(username: string): string {
  return username.normalize('NFC').toLowerCase();
}

/**
 * The order of the user list: by usernameKey, byte by byte in UTF-8, which is PostgreSQL's
 * COLLATE "C" on the key column, so both stores page alike.
 */
export function compareUsernameKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** One page of the user list: at most `limit` users whose usernameKey sorts after `after`'s. */
export interface UserPage {
  limit: number;
  /** A username (any case): the page starts after it. */
  after?: string;
}
