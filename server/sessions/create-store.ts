import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { UserRepository } from '../users/repository.ts';
import { createCookieCodec } from './cookie/codec.ts';
import { cookieFlagsFor } from './cookie/header.ts';
import { lifetimesOf } from './lifetimes.ts';
import { cacheOpenedCookies } from './cookie/opened-cache.ts';
import { createCookieStore } from './cookie/store.ts';
import type { SessionStore } from './port.ts';
import type { Backing } from './server-side/backing.ts';
import { withDeadline } from './server-side/deadline.ts';
import { createMemcachedBacking } from './server-side/memcached.ts';
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

/**
 * The service behind a server-side store; Redis, PostgreSQL and Memcached must answer before
 * start-up goes on. Whichever it is, every call to it is bounded by withDeadline.
 */
async function createBacking(
  kind: Exclude<Config['sessionStore'], 'cookie'>,
  config: Config,
  log: Logger,
  users: UserRepository,
): Promise<Backing> {
  const namespace = config.sessionNamespace;
  const connect = {
    memory: () => createMemoryBacking({ pruneSeconds: config.sessionPruneSeconds }),
    redis: () => createRedisBacking({ url: config.redisUrl, namespace, log }),
    postgres: () =>
      createPostgresBacking({
        url: config.databaseUrl,
        namespace,
        pruneSeconds: config.sessionPruneSeconds,
        log,
      }),
    memcached: () => createMemcachedBacking({ servers: config.memcachedServers, namespace, users, log }),
  };
  return withDeadline(await connect[kind](), log);
}

/** Picks the session store SESSION_STORE names; routes never learn which one it was. */
export async function createSessionStore({
  config,
  secrets,
  users,
  log,
  now,
}: StoreDeps): Promise<SessionStore> {
  const flags = cookieFlagsFor(config);
  const lifetimes = lifetimesOf(config);
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
  const backing = await createBacking(config.sessionStore, config, log, users);
  // Its own copy of the keys: the lab's rotation replaces them in place.
  return createServerSideStore({ backing, secrets: [...secrets], flags, users, log, now, ...lifetimes });
}
