import type { Logger } from '../../log.ts';
import type { UserRepository } from '../../users/repository.ts';
import type { Lifetimes } from '../lifetimes.ts';
import type { CookieCodec } from './codec.ts';
import type { CookieFlags } from './header.ts';

export interface CookieStoreOptions extends Lifetimes {
  codec: CookieCodec;
  flags: CookieFlags;
  users: UserRepository;
  log: Logger;
  now: () => number;
}
