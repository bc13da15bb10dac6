import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';

const generatedSecretBytes = 48;

/**
 * Where development keeps its generated key: named after the user file it belongs to
 * (`data/db.json` keeps it in `data/db.json.session-secret`). A key named after the folder
 * alone would be shared by every server whose user file sits in that folder, each one then
 * opening the others' cookies without anyone having chosen it.
 */
export function devSecretFile(config: Pick<Config, 'dbFile'>): string {
  return `${config.dbFile}.session-secret`;
}

/** Where the keys come from, for the start-up line: the variable, or the kept key's file. */
export function secretSource(config: Pick<Config, 'dbFile' | 'sessionSecrets'>): string {
  return config.sessionSecrets ? 'SESSION_SECRET' : devSecretFile(config);
}

/** The configured keys, or the kept development key; undefined when there is neither. */
export async function readSessionSecrets(config: Config): Promise<string[] | undefined> {
  if (config.sessionSecrets) return config.sessionSecrets;
  try {
    const kept = (await readFile(devSecretFile(config), 'utf8')).trim();
    return kept ? [kept] : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * The keys that seal session cookies. Production must configure SESSION_SECRET (config
 * refuses to start otherwise); development generates one key on first start and keeps
 * it beside the user file, named after it (mode 0600, git-ignored), so sessions survive a restart and a
 * newcomer has nothing to set.
 */
export async function loadSessionSecrets(config: Config, log: Logger): Promise<string[]> {
  const existing = await readSessionSecrets(config);
  if (existing) return existing;
  const file = devSecretFile(config);
  const secret = randomBytes(generatedSecretBytes).toString('base64url');
  await mkdir(path.dirname(file), { recursive: true });
  // Written whole under a name of its own, then linked into place: link() fails if the
  // file exists, and another process never sees it half written.
  const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(draft, secret + '\n', { mode: 0o600 });
  try {
    await link(draft, file);
  } catch (error) {
    // Another process started at the same moment and kept its key first: use that one.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return (await readSessionSecrets(config))!;
    throw error;
  } finally {
    await rm(draft, { force: true });
  }
  log.info(`generated a development session secret in ${file} (set SESSION_SECRET in production)`);
  return [secret];
}
