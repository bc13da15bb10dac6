import type { Config } from '../config.ts';
import { createBcryptHasher, type PasswordHasher } from './hasher.ts';
import { createPoolHasher } from './pool-hasher.ts';

/** The worker pool unless HASH_WORKERS=0 asks for bcryptjs on the main thread. */
export function createHasher(config: Pick<Config, 'bcryptCost' | 'hashWorkers'>): PasswordHasher {
  return config.hashWorkers > 0
    ? createPoolHasher(config.bcryptCost, config.hashWorkers)
    : createBcryptHasher(config.bcryptCost);
}
