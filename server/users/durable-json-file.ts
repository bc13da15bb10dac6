import fs from 'node:fs';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { Adapter } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import writeFileAtomic from 'write-file-atomic';

/** Puts text in place of a file so that a crash leaves either the old or the new file. */
export type FileWriter = (file: string, text: string) => Promise<void>;

/**
 * Temp file, fsync, rename (write-file-atomic), then fsync the folder, so the rename
 * itself survives a power cut: without it the folder may still point at the old file.
 */
export const writeDurably: FileWriter = async (file, text) => {
  await writeFileAtomic(file, text, { fsync: true });
  // Windows cannot open a folder to fsync it; NTFS journals the rename instead.
  if (process.platform === 'win32') return;
  // fs.fsync looked up at each call, as write-file-atomic does for the file: one function
  // makes both syncs, and a spec watching it sees each of them.
  const folder = await promisify(fs.open)(path.dirname(file), 'r');
  try {
    await promisify(fs.fsync)(folder);
  } finally {
    await promisify(fs.close)(folder);
  }
};

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * lowdb's JSONFile adapter with durable writes. lowdb's own writer (steno) renames a temp
 * file but never fsyncs, so an acknowledged change can vanish in a power cut.
 *
 * Writes run one at a time. Every write() that arrives while one is on disk joins the
 * next, which serialises the data as it is when that write starts, so a change is never
 * written twice and a burst of 200 registrations costs a few fsyncs, not 200.
 * A write() resolves only when a write that includes its change is durable, and rejects
 * when that write failed.
 */
export class DurableJSONFile<T> implements Adapter<T> {
  readonly #file: string;
  readonly #reader: JSONFile<T>;
  readonly #writeFile: FileWriter;
  #latest: T | undefined;
  #waiting: Waiter[] = [];
  #draining = false;

  constructor(file: string, writeFile: FileWriter = writeDurably) {
    this.#file = file;
    this.#reader = new JSONFile<T>(file);
    this.#writeFile = writeFile;
  }

  read(): Promise<T | null> {
    return this.#reader.read();
  }

  write(data: T): Promise<void> {
    this.#latest = data;
    const done = new Promise<void>((resolve, reject) => this.#waiting.push({ resolve, reject }));
    if (!this.#draining) void this.#drain();
    return done;
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    while (this.#waiting.length > 0) {
      // Waiting one turn lets the changes of this turn join the batch and, after a failed
      // write, lets every caller undo its change before the data is serialised again.
      await nextTurn();
      const batch = this.#waiting.splice(0);
      try {
        await this.#writeFile(this.#file, JSON.stringify(this.#latest, null, 2));
        for (const waiter of batch) waiter.resolve();
      } catch (error) {
        // Newest first, so the callers' undos unwind like a stack: two changes to one
        // field end with the value from before the first.
        for (const waiter of batch.reverse()) waiter.reject(error);
      }
    }
    this.#draining = false;
  }
}
