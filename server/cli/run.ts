import { readFile } from 'node:fs/promises';
import { StartupError } from '../startup-error.ts';
import { userFileShape, type User } from '../users/user.ts';

/** A problem the person running a tool can fix: said in one line, like a start-up problem. */
export class CliError extends StartupError {}

/** The users of a lowdb file (`name` in messages), read only: never locked or written. */
export async function readUserList(file: string, name = file): Promise<User[]> {
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch {
    throw new CliError(`cannot read ${name}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    // Not JSON.parse's message: it quotes the start of the file, and an error never
    // echoes a file's contents (it may be the wrong file, holding anything).
    throw new CliError(`${name} is not valid JSON`);
  }
  const parsed = userFileShape.safeParse(json);
  if (!parsed.success) throw new CliError(`${name} does not hold { "users": [...] } with valid user records`);
  return parsed.data.users;
}

/**
 * Runs a command-line tool: what `main` returns goes to stdout; a failure is one line
 * `<name>: <what went wrong>` on stderr and exit code 1, never a stack trace.
 */
export function runCli(name: string, main: (argv: string[]) => Promise<string>): void {
  main(process.argv.slice(2)).then(
    (output) => console.log(output),
    (error: unknown) => {
      const parseArgsError = String((error as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS');
      const known = error instanceof StartupError || parseArgsError;
      console.error(`${name}: ${known ? (error as Error).message : String(error)}`);
      process.exit(1);
    },
  );
}
