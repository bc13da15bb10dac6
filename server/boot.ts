import type { Express } from 'express';
import { createApp, type AppDeps } from './app.ts';
import type { Config } from './config.ts';
import { createHashTurns, hashesPerAddress } from './http/hash-turns.ts';
import { createLoginThrottle } from './http/login-throttle.ts';
import { throttleRegistrations } from './http/registration-throttle.ts';
import type { Logger } from './log.ts';
import { createHasher } from './passwords/create-hasher.ts';
import { createSessionStore } from './sessions/create-store.ts';
import { loadSessionSecrets } from './sessions/secret-file.ts';
import { UserRepository } from './users/repository.ts';
import { lockUserFile } from './users/user-file-lock.ts';
import { openUserFile } from './users/user-file.ts';

export interface Booted {
  app: Express;
  deps: AppDeps;
  /** Releases what boot opened: the hasher's workers, the store's connections, the file lock. */
  close(): Promise<void>;
}

/** Config in, a ready app out: the user file locked and opened, the keys loaded, the store connected. */
export async function boot(config: Config, log: Logger, now: () => number = Date.now): Promise<Booted> {
  const unlock = await lockUserFile(config.dbFile, (error) => {
    // Another process now believes the file is free: writing on would undo its changes.
    log.error(`lost the lock on DB_FILE ${config.dbFile} (${error.message}); stopping`);
    process.exit(1);
  });
  try {
    const users = new UserRepository(await openUserFile(config.dbFile), now);
    const secrets = await loadSessionSecrets(config, log);
    const store = await createSessionStore({ config, secrets, users, log, now });
    const hasher = createHasher(config);
    const throttle = {
      login: createLoginThrottle(config.limits),
      registrations: throttleRegistrations(config.limits),
      // As many hashes at once as the pool has threads (bcryptjs on the main thread: one).
      hashTurns: createHashTurns(Math.max(1, config.hashWorkers), hashesPerAddress),
    };
    const deps: AppDeps = { config, users, hasher, store, log, now, throttle };
    return {
      app: createApp(deps),
      deps,
      async close() {
        await Promise.allSettled([store.close(), hasher.close()]);
        // Last: the file is free only once nothing here can write it any more.
        await unlock();
      },
    };
  } catch (error) {
    await unlock();
    throw error;
  }
}
