import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { UserRepository } from '../users/repository.ts';
import { createCookieCodec } from './cookie/codec.ts';
import { createCookieStore } from './cookie/store.ts';
import type { SessionStore } from './port.ts';

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

/** Picks the session store SESSION_STORE names; routes never learn which one it was. */
export async function createSessionStore({
  config,
  secrets,
  users,
  log,
  now,
}: StoreDeps): Promise<SessionStore> {
  const flags = { name: sessionCookieName(config), secure: config.mode === 'production' };
  switch (config.sessionStore) {
    case 'cookie':
      return createCookieStore({
        codec: createCookieCodec(flags.name, secrets),
        flags,
        users,
        log,
        now,
        idleSeconds: config.sessionIdleSeconds,
        ttlSeconds: config.sessionTtlSeconds,
      });
    default:
      throw new Error(`SESSION_STORE=${config.sessionStore} is not available yet`);
  }
}
