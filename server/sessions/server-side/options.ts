import type { Logger } from '../../log.ts';
import type { UserRepository } from '../../users/repository.ts';
import type { CookieFlags } from '../cookie/header.ts';
import type { Backing } from './backing.ts';
import type { Lifetimes } from '../lifetimes.ts';

export interface ServerSideOptions extends Lifetimes {
  backing: Backing;
  /** SESSION_SECRET's keys, newest first: the first signs the id cookie, any of them verifies it. */
  secrets: string[];
  flags: CookieFlags;
  users: UserRepository;
  log: Logger;
  /** The app's clock: idle and absolute expiry are decided by it, as in the cookie store. */
  now: () => number;
}
