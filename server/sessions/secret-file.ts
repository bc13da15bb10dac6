import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';

const generatedSecretBytes = 48;

/**
 * The keys that seal session cookies. Production must configure SESSION_SECRET (config
 * refuses to start otherwise); development generates one key on first start and keeps
 * it beside the user file (mode 0600, git-ignored), so sessions survive a restart and a
 * newcomer has nothing to set.
 */
export async function loadSessionSecrets(config: Config, log: Logger): Promise<string[]> {
  if (config.sessionSecrets) return config.sessionSecrets;
  const file = path.join(path.dirname(config.dbFile), '.session-secret');
  try {
    const kept = (await readFile(file, 'utf8')).trim();
    if (kept) return [kept];
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = randomBytes(generatedSecretBytes).toString('base64url');
  await mkdir(path.dirname(file), { recursive: true });
  try {
    await writeFile(file, secret + '\n', { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process started at the same moment and wrote its key first: use that one.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return [(await readFile(file, 'utf8')).trim()];
    throw error;
  }
  log.info(`generated a development session secret in ${file} (set SESSION_SECRET in production)`);
  return [secret];
}
