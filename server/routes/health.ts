import { Router } from 'express';
import { route } from '../http/methods.ts';
import type { AppDeps } from './deps.ts';

/** Liveness, which instance answered, and whether the session store behind it answers. */
export function healthRoutes({ instance, store }: AppDeps): Router {
  const router = Router();
  route(router, '/healthz', {
    GET: async (_req, res) => {
      const reachable = await store.reachable();
      res.status(reachable ? 200 : 503).json({ ok: reachable, store: store.kind, reachable, instance });
    },
  });
  return router;
}
