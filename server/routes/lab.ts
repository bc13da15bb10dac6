import { Router } from 'express';
import { parseBody } from '../http/body.ts';
import { route } from '../http/methods.ts';
import { pastedCookieValue } from '../sessions/cookie/header.ts';
import type { AppDeps } from './deps.ts';
import { replayBody } from './schemas.ts';

/**
 * The replay demo (under /api): what the server would do with a cookie value a student
 * copied from devtools. It changes nothing and answers only accepted-as-whom or a
 * one-word reason, yet it is still an oracle, so production serves it only with
 * LAB_ENABLED=1; without it the path is as unknown as any other (404).
 */
export function labRoutes({ config, store }: AppDeps): Router {
  const router = Router();
  if (!config.labEnabled) return router;
  route(router, '/lab/replay', {
    POST: async (req, res) => {
      const { cookie } = parseBody(replayBody, req.body);
      res.json(await store.replay(pastedCookieValue(cookie)));
    },
  });
  return router;
}
