import type { Logger } from '../../log.ts';
import type { UserRepository } from '../../users/repository.ts';
import type { CookieCodec } from './codec.ts';
import type { CookieFlags } from './header.ts';

export interface CookieStoreOptions {
  codec: CookieCodec;
  flags: CookieFlags;
  users: UserRepository;
  log: Logger;
  now: () => number;
  /** A session unused this long ends. */
  idleSeconds: number;
  /** A session ends this long after login, however active. */
  ttlSeconds: number;
}
