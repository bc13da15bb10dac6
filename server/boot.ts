import type { Express } from 'express';
import { createApp, type AppDeps } from './app.ts';
import type { Config } from './config.ts';
import { createLoginThrottle } from './http/login-throttle.ts';
import { throttleRegistrations } from './http/registration-throttle.ts';
import type { Logger } from './log.ts';
import { createBcryptHasher } from './passwords/hasher.ts';
import { createSessionStore } from './sessions/create-store.ts';
import { loadSessionSecrets } from './sessions/secret-file.ts';
import { UserRepository } from './users/repository.ts';
import { openUserFile } from './users/user-file.ts';

export interface Booted {
  app: Express;
  deps: AppDeps;
  /** Releases what boot opened: the hasher's workers, the store's connections. */
  close(): Promise<void>;
}

/** Config in, a ready app out: the user file opened, the keys loaded, the store connected. */
export async function boot(config: Config, log: Logger, now: () => number = Date.now): Promise<Booted> {
  const users = new UserRepository(await openUserFile(config.dbFile), now);
  const secrets = await loadSessionSecrets(config, log);
  const store = await createSessionStore({ config, secrets, users, log, now });
  const hasher = createBcryptHasher(config.bcryptCost);
  const throttle = {
    login: createLoginThrottle(config.limits),
    registrations: throttleRegistrations(config.limits),
  };
  const deps: AppDeps = { config, users, hasher, store, log, now, throttle };
  return {
    app: createApp(deps),
    deps,
    async close() {
      await Promise.allSettled([store.close(), hasher.close()]);
    },
  };
}
