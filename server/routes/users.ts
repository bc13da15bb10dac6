import { Router } from 'express';
import { route } from '../http/methods.ts';
import { toPublic } from '../users/user.ts';
import type { AppDeps } from './deps.ts';
import { requireUser } from './require-user.ts';

/** The lesson's restricted list: only for a logged-in user, and never with a hash. */
export function userRoutes({ users }: AppDeps, router: Router = Router()): Router {
  route(router, '/api/users', {
    GET: [requireUser, async (_req, res) => res.json((await users.list()).map(toPublic))],
  });
  return router;
}
