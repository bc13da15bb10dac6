import type { RequestHandler } from 'express';
import type { Config } from '../config.ts';
import type { HashTurns } from '../http/hash-turns.ts';
import type { LoginThrottle } from '../http/login-throttle.ts';
import type { Logger } from '../log.ts';
import type { PasswordHasher } from '../passwords/hasher.ts';
import type { SessionStore } from '../sessions/port.ts';
import type { UserRepository } from '../users/repository.ts';

/** Everything the app is built from. Tests build it with their own clock, files and logs. */
export interface AppDeps {
  config: Config;
  /** This instance's name (X-Instance, /healthz): stable for the process, different between instances. */
  instance: string;
  users: UserRepository;
  hasher: PasswordHasher;
  store: SessionStore;
  log: Logger;
  now: () => number;
  /** Brute-force throttles and the hashing turns: they keep counts, so one set per app. */
  throttle: { login: LoginThrottle; registrations: RequestHandler; hashTurns: HashTurns };
}
