import { Router } from 'express';
import { route } from '../http/methods.ts';
import { toPublic } from '../users/user.ts';
import type { AppDeps } from './deps.ts';
import { requireUser } from './require-user.ts';

/** The lesson's restricted list (under /api): only for a logged-in user, and never with a hash. */
export function userRoutes({ users }: AppDeps): Router {
  const router = Router();
  route(router, '/users', {
    GET: [requireUser, (_req, res) => res.json(users.list().map(toPublic))],
  });
  return router;
}
