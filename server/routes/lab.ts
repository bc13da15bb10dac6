import { Router } from 'express';
import { parseBody } from '../http/body.ts';
import { notFound } from '../http/errors.ts';
import { route } from '../http/methods.ts';
import { pastedCookieValue } from '../sessions/cookie/header.ts';
import type { AppDeps } from './deps.ts';
import { replayBody } from './schemas.ts';

/**
 * The replay demo: what the server would do with a cookie value a student copied from
 * devtools. It changes nothing and answers only accepted-as-whom or a one-word reason,
 * yet it is still an oracle, so production serves it only with LAB_ENABLED=1.
 */
export function labRoutes({ config, store }: AppDeps, router: Router = Router()): Router {
  if (!config.labEnabled) {
    router.use('/api/lab', notFound);
    return router;
  }
  route(router, '/api/lab/replay', {
    POST: async (req, res) => {
      const { cookie } = parseBody(replayBody, req.body);
      res.json(await store.replay(pastedCookieValue(cookie)));
    },
  });
  return router;
}
