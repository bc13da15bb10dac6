import type { Router } from 'express';
import { parseBody } from '../http/body.ts';
import { route } from '../http/methods.ts';
import { toPublic } from '../users/user.ts';
import type { AppDeps } from './deps.ts';
import { requireUser } from './require-user.ts';
import { userListQuery, usersPerPage } from './schemas.ts';

/**
 * The lesson's restricted list (under /api): only for a logged-in user, and never with a
 * hash. It comes in pages ordered by username, still a plain JSON array; while more
 * remain, a `Link: <…>; rel="next"` header says where the next page starts.
 */
export function userRoutes(router: Router, { users }: AppDeps): void {
  route(router, '/users', {
    GET: [
      requireUser,
      async (req, res) => {
        const { limit = usersPerPage.default, after } = parseBody(userListQuery, req.query);
        // One more than the page, to learn whether another page follows.
        const found = await users.list({ limit: limit + 1, after });
        const page = found.slice(0, limit);
        if (found.length > limit) {
          const last = page[page.length - 1]!.username;
          res.links({ next: `/api/users?limit=${limit}&after=${encodeURIComponent(last)}` });
        }
        res.json(page.map(toPublic));
      },
    ],
  });
}
