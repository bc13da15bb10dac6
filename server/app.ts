import express, { Router, type Express } from 'express';
import { jsonBody } from './http/body.ts';
import { errorHandler, notFound } from './http/errors.ts';
import { instanceHeader } from './http/instance.ts';
import { labPage } from './http/lab-page.ts';
import { labWire } from './http/lab-wire.ts';
import { noStore, noStoreWithCookie } from './http/no-store.ts';
import { refuseCrossSite } from './http/refuse-cross-site.ts';
import { requireHttps } from './http/require-https.ts';
import { securityHeaders } from './http/security-headers.ts';
import { accountRoutes } from './routes/account.ts';
import { authRoutes } from './routes/auth.ts';
import type { AppDeps } from './routes/deps.ts';
import { healthRoutes } from './routes/health.ts';
import { labRoutes } from './routes/lab.ts';
import { sessionRoutes } from './routes/session.ts';
import { userRoutes } from './routes/users.ts';

export type { AppDeps } from './routes/deps.ts';

/**
 * Everything under /api. The guards are mounted on this router rather than testing
 * req.path themselves: Express matches paths case-insensitively and with or without a
 * trailing slash (`POST /API/login/` logs in), so a string test disagrees with the
 * router, while a guard on the router runs for exactly the requests its routes serve.
 */
function apiRouter(deps: AppDeps): Router {
  const api = Router();
  api.use(noStore);
  // Refusals first, so a refused request is never parsed and never gets a cookie.
  if (deps.config.mode === 'production') api.use(requireHttps);
  api.use(refuseCrossSite, jsonBody(), deps.store.middleware);
  // Every route module registers on this one router: a router of its own per module would
  // be one more layer each request walks through before it reaches its route.
  for (const routes of [authRoutes, accountRoutes, userRoutes, sessionRoutes, labRoutes]) {
    routes(api, deps);
  }
  // An unknown API path ends here: it never reaches the lab page's files.
  api.use(notFound);
  return api;
}

/**
 * The whole HTTP application, built from its dependencies and never listening by
 * itself: index.ts listens, and the specs drive this same app through chai-http.
 */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // One proxy hop, and only when told: otherwise X-Forwarded-* is ignored everywhere
  // (req.ip, req.secure, req.host), since any client can send those headers.
  app.set('trust proxy', deps.config.trustProxy ? 1 : false);
  // An ETag only helps a cache revalidate, and every API answer is no-store: hashing each
  // body for it was wasted work. The lab page's files keep theirs (express.static).
  app.set('etag', false);

  // Headers that apply to the page too come first.
  app.use(instanceHeader(deps.instance));
  app.use(securityHeaders(deps.config.mode === 'production'));
  app.use(noStoreWithCookie);
  // The lab's header report rides on every answer, the page's files included.
  if (deps.config.labEnabled) app.use(labWire);
  app.use('/api', apiRouter(deps));
  app.use(healthRoutes(deps));
  app.use(labPage());
  app.use(notFound);
  app.use(errorHandler(deps.log));
  return app;
}
