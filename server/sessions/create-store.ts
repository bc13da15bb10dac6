import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { UserRepository } from '../users/repository.ts';
import { createCookieCodec } from './cookie/codec.ts';
import { cacheOpenedCookies } from './cookie/opened-cache.ts';
import { createCookieStore } from './cookie/store.ts';
import type { SessionStore } from './port.ts';
import type { Backing } from './server-side/backing.ts';
import { withDeadline } from './server-side/deadline.ts';
import { createMemoryBacking } from './server-side/memory.ts';
import { createPostgresBacking } from './server-side/postgres.ts';
import { createRedisBacking } from './server-side/redis.ts';
import { createServerSideStore } from './server-side/store.ts';

export interface StoreDeps {
  config: Config;
  secrets: string[];
  users: UserRepository;
  log: Logger;
  now: () => number;
}

/** The cookie's name: the lesson's `session`, or `__Host-session` in production. */
export function sessionCookieName(config: Config): string {
  // __Host- makes the browser refuse the cookie unless it is Secure, Path=/ and has no
  // Domain, so a sibling subdomain cannot plant or overwrite it.
  return config.mode === 'production' ? '__Host-session' : 'session';
}

/**
 * The service behind a server-side store; Redis and PostgreSQL must answer before start-up
 * goes on. Whichever it is, every call to it is bounded by withDeadline.
 */
async function createBacking(config: Config, log: Logger): Promise<Backing> {
  return withDeadline(await connectBacking(config, log), log);
}

async function connectBacking(config: Config, log: Logger): Promise<Backing> {
  const namespace = config.sessionNamespace;
  switch (config.sessionStore) {
    case 'memory':
      return createMemoryBacking({ pruneSeconds: config.sessionPruneSeconds });
    case 'redis':
      return createRedisBacking({ url: config.redisUrl, namespace, log });
    case 'postgres':
      return createPostgresBacking({
        url: config.databaseUrl,
        namespace,
        pruneSeconds: config.sessionPruneSeconds,
        log,
      });
    case 'cookie':
      throw new Error('cookie-lab: the cookie store has no server-side backing');
  }
}

/** Picks the session store SESSION_STORE names; routes never learn which one it was. */
export async function createSessionStore({
  config,
  secrets,
  users,
  log,
  now,
}: StoreDeps): Promise<SessionStore> {
  const flags = { name: sessionCookieName(config), secure: config.mode === 'production' };
  const lifetimes = { idleSeconds: config.sessionIdleSeconds, ttlSeconds: config.sessionTtlSeconds };
  if (config.sessionStore === 'cookie') {
    return createCookieStore({
      codec: cacheOpenedCookies(createCookieCodec(flags.name, secrets)),
      flags,
      users,
      log,
      now,
      ...lifetimes,
    });
  }
  // The same cookie name, flags, keys and lifetimes: only where the session lives changes.
  const backing = await createBacking(config, log);
  return createServerSideStore({ backing, secrets, flags, users, log, now, ...lifetimes });
}
