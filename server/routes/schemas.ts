import { z } from 'zod';

// Request bodies, declared once. Lengths here only stop absurd input early; the real
// password rules (8 characters, 72 bytes) live in passwords/policy.ts.

const text = () =>
  z.string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') });

const body = <T extends z.ZodRawShape>(shape: T) =>
  z.object(shape, { error: 'The request body must be a JSON object.' });

const anyPassword = text().min(1, 'is required').max(1024, 'is too long');

export const usernamePattern = /^[A-Za-z0-9._-]{3,32}$/;

export const registerBody = body({
  username: text()
    .trim()
    .regex(usernamePattern, 'must be 3 to 32 characters: letters, digits, ".", "_" or "-"'),
  password: anyPassword,
});

export const loginBody = body({
  username: text().trim().min(1, 'is required').max(256, 'is too long'),
  password: anyPassword,
});

export const changePasswordBody = body({ currentPassword: anyPassword, newPassword: anyPassword });

export const deleteAccountBody = body({ password: anyPassword });

export const notesBody = body({ text: text().max(10_000, 'is too long') });

export const replayBody = body({ cookie: text().max(10_000, 'is too long') });

export const forgeBody = body({ username: text().trim().min(1, 'is required').max(256, 'is too long') });

/** GET /api/users pages: this many users unless `limit` says otherwise, and never more than the max. */
export const usersPerPage = { default: 100, max: 500 } as const;

const limitMessage = `must be a whole number from 1 to ${usersPerPage.max}`;

export const userListQuery = z.object({
  limit: z
    .string({ error: limitMessage })
    .regex(/^\d{1,6}$/, limitMessage)
    .transform(Number)
    .refine((limit) => limit >= 1 && limit <= usersPerPage.max, limitMessage)
    .optional(),
  after: z
    .string({ error: 'must be one username' })
    .min(1, 'must be a username, not empty')
    .max(256, 'is too long')
    .optional(),
});
