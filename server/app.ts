import express, { Router, type Express } from 'express';
import { jsonBody } from './http/body.ts';
import { errorHandler, notFound } from './http/errors.ts';
import { instanceHeader } from './http/instance.ts';
import { labPage } from './http/lab-page.ts';
import { noStore } from './http/no-store.ts';
import { refuseCrossSite } from './http/refuse-cross-site.ts';
import { requireHttps } from './http/require-https.ts';
import { securityHeaders } from './http/security-headers.ts';
import { series } from './http/series.ts';
import { accountRoutes } from './routes/account.ts';
import { authRoutes } from './routes/auth.ts';
import type { AppDeps } from './routes/deps.ts';
import { healthRoutes } from './routes/health.ts';
import { labRoutes } from './routes/lab.ts';
import { sessionRoutes } from './routes/session.ts';
import { userRoutes } from './routes/users.ts';

export type { AppDeps } from './routes/deps.ts';

/**
 * The whole HTTP application, built from its dependencies and never listening by
 * itself: index.ts listens, and the specs drive this same app through chai-http.
 */
export function createApp(deps: AppDeps): Express {
  const app = express();
  const production = deps.config.mode === 'production';
  app.disable('x-powered-by');
  // One proxy hop, and only when told: otherwise X-Forwarded-* is ignored everywhere
  // (req.ip, req.secure, req.host), since any client can send those headers.
  app.set('trust proxy', deps.config.trustProxy ? 1 : false);
  // An ETag only helps a cache revalidate, and every API answer is no-store: hashing each
  // body for it was wasted work. The lab page's files keep theirs (express.static).
  app.set('etag', false);

  app.use(
    series(
      // Headers that apply to the page too come first.
      instanceHeader(deps.instance),
      securityHeaders(production),
      noStore,
      // The page's files need no body parsing and no session: they come before both.
      labPage(),
      // Refusals next, so a refused request is never parsed and never gets a cookie.
      requireHttps(production),
      refuseCrossSite,
      jsonBody(),
      deps.store.middleware,
    ),
  );

  // One router for every route: a request walks one list of paths, not six routers.
  const routes = Router();
  for (const mount of [healthRoutes, authRoutes, accountRoutes, userRoutes, sessionRoutes, labRoutes]) {
    mount(deps, routes);
  }
  app.use(routes);

  app.use(notFound);
  app.use(errorHandler(deps.log));
  return app;
}
