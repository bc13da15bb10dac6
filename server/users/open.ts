import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { LowdbUserRepository } from './lowdb.ts';
import { PostgresUserRepository } from './postgres.ts';
import type { UserRepository } from './repository.ts';
import { lockUserFile } from './user-file-lock.ts';
import { openUserFile } from './user-file.ts';

/** The user store USER_STORE names, ready: the lowdb file locked and read, or the table created. */
export async function openUserRepository(
  config: Config,
  log: Logger,
  now: () => number,
  onFileLost: (error: Error) => void,
): Promise<UserRepository> {
  if (config.userStore === 'postgres') return PostgresUserRepository.open(config, log, now);
  const unlock = await lockUserFile(config.dbFile, onFileLost);
  try {
    return new LowdbUserRepository(await openUserFile(config.dbFile), now, unlock);
  } catch (error) {
    await unlock();
    throw error;
  }
}
