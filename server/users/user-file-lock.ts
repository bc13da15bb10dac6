import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { StartupError } from '../startup-error.ts';

/**
 * How the lock ends. The lock is the folder `<DB_FILE>.lock`. A running server touches
 * it every `refreshMs`; a lock nobody touched for `staleAfterMs` belongs to a process
 * that died without cleaning up (SIGKILL, power cut), and the next start removes it.
 * So after a crash a restart is refused for at most `staleAfterMs`, never for ever.
 * A clean exit (SIGINT, SIGTERM, SIGHUP, an error) removes it at once.
 */
export const staleAfterMs = 5_000;
const refreshMs = 1_000;

export class UserFileLockedError extends StartupError {
  constructor(file: string) {
    super(
      `DB_FILE ${file} is in use by another cookie-lab process (lock ${file}.lock): stop that one first, ` +
        `or give this one its own DB_FILE. A lock left by a crashed process expires ${staleAfterMs / 1000} s after the crash.`,
    );
  }
}

/**
 * Claims the user file for this process: lowdb keeps the whole file in memory and writes
 * it whole, so two processes on one file would silently undo each other's changes.
 * Resolves to the function that releases the claim. `onLost` is called if the claim is
 * lost while running (another process removed a lock it judged stale).
 */
export async function lockUserFile(
  file: string,
  onLost: (error: Error) => void,
): Promise<() => Promise<void>> {
  // The lock lives beside the file, so its folder must exist before the file does.
  await mkdir(path.dirname(file), { recursive: true });
  let lost = false;
  try {
    const release = await lockfile.lock(file, {
      // The file need not exist yet (first start); the lock is named after its path.
      realpath: false,
      stale: staleAfterMs,
      update: refreshMs,
      onCompromised(error) {
        lost = true;
        onLost(error);
      },
    });
    // A lost lock is no longer this process's to release (proper-lockfile throws if asked).
    return async () => {
      if (!lost) await release();
    };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOCKED') throw new UserFileLockedError(file);
    throw error;
  }
}
