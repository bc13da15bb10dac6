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

/** What any response may say about a user: never the hash. */
export interface PublicUser {
  id: string;
  username: string;
  createdAt: string;
}

export function toPublic(user: User): PublicUser {
  return { id: user.id, username: user.username, createdAt: user.createdAt };
}

/** Usernames are unique without regard to case: "Alice" and "alice" are one account. */
export function usernameKey(username: string): string {
  return username.normalize('NFC').toLowerCase();
}
