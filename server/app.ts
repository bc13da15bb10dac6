import express, { type Express } from 'express';
import { jsonBody } from './http/body.ts';
import { errorHandler, notFound } from './http/errors.ts';
import { labPage } from './http/lab-page.ts';
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
  app.disable('x-powered-by');
  app.set('trust proxy', deps.config.trustProxy ? 1 : false);

  // The page's files need no body parsing and no session: they come before both, and
  // after anything that must apply to the page too (security headers).
  app.use(labPage());
  app.use(jsonBody());
  app.use(deps.store.middleware);

  app.use(healthRoutes(deps));
  app.use(authRoutes(deps));
  app.use(accountRoutes(deps));
  app.use(userRoutes(deps));
  app.use(sessionRoutes(deps));
  app.use(labRoutes(deps));

  app.use(notFound);
  app.use(errorHandler(deps.log));
  return app;
}
