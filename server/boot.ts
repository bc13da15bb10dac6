import type { Express } from 'express';
import { createApp, type AppDeps } from './app.ts';
import type { Config } from './config.ts';
import { createHashTurns, hashesPerAddress } from './http/hash-turns.ts';
import { newInstanceId } from './http/instance.ts';
import { createLoginThrottle } from './http/login-throttle.ts';
import { throttleRegistrations } from './http/registration-throttle.ts';
import { openThrottleStore } from './http/throttle-store.ts';
import type { Logger } from './log.ts';
import { createHasher } from './passwords/create-hasher.ts';
import { createSessionStore } from './sessions/create-store.ts';
import { loadSessionSecrets } from './sessions/secret-file.ts';
import { openUserRepository } from './users/open.ts';

export interface Booted {
  app: Express;
  deps: AppDeps;
  /** Releases what boot opened: the hasher's workers, the stores' and counters' connections, the file lock. */
  close(): Promise<void>;
}

export interface BootOptions {
  /**
   * Called if the lowdb user file's lock is lost while running (another process judged it
   * stale and took the file). The server must stop writing; the entry point exits.
   */
  onUserFileLost: (error: Error) => void;
  now?: () => number;
}

/** Config in, a ready app out: the user store opened, the keys loaded, the session store connected. */
export async function boot(
  config: Config,
  log: Logger,
  { onUserFileLost, now = Date.now }: BootOptions,
): Promise<Booted> {
  const users = await openUserRepository(config, log, now, onUserFileLost);
  try {
    const secrets = await loadSessionSecrets(config, log);
    const counters = await openThrottleStore(config, log);
    const store = await createSessionStore({ config, secrets, users, log, now }).catch(async (error) => {
      await counters.close();
      throw error;
    });
    const hasher = createHasher(config);
    const throttle = {
      login: createLoginThrottle(config.limits, counters),
      registrations: throttleRegistrations(config.limits, counters),
      // As many hashes at once as the pool has threads (bcryptjs on the main thread: one).
      hashTurns: createHashTurns(Math.max(1, config.hashWorkers), hashesPerAddress),
    };
    const deps: AppDeps = { config, instance: newInstanceId(), users, hasher, store, log, now, throttle };
    return {
      app: createApp(deps),
      deps,
      async close() {
        await Promise.allSettled([store.close(), hasher.close(), counters.close()]);
        // Last: the file is free only once nothing here can write it any more.
        await users.close();
      },
    };
  } catch (error) {
    await users.close();
    throw error;
  }
}
