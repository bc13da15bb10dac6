import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Low } from 'lowdb';
import { StartupError } from '../startup-error.ts';
import { DurableJSONFile } from './durable-json-file.ts';
import { userFileShape, type UserFile } from './user.ts';

export class UserFileError extends StartupError {
  constructor(file: string, problem: string) {
    super(`DB_FILE ${file}: ${problem}; fix or move the file (it was left untouched)`);
  }
}

/**
 * Opens the lowdb user file, creating it on first start. A file that exists but does
 * not hold a user list is refused and never rewritten: replacing it with an empty
 * database would silently delete every account. Every write is durable before it is
 * acknowledged (DurableJSONFile).
 */
export async function openUserFile(file: string): Promise<Low<UserFile>> {
  const db = new Low<UserFile>(new DurableJSONFile<UserFile>(file), { users: [] });
  if (!existsSync(file)) {
    await mkdir(path.dirname(file), { recursive: true });
    await db.write();
    return db;
  }
  let raw: unknown;
  try {
    raw = await db.adapter.read();
  } catch (error) {
    const reason = error instanceof SyntaxError ? 'is not valid JSON' : String(error);
    throw new UserFileError(file, reason);
  }
  const parsed = userFileShape.safeParse(raw);
  if (!parsed.success) {
    throw new UserFileError(file, 'does not hold { "users": [...] } with valid user records');
  }
  db.data = parsed.data;
  return db;
}
