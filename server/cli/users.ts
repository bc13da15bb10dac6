import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.ts';
import { createLogger } from '../log.ts';
import { StoreUnreachableError } from '../sessions/server-side/errors.ts';
import { PostgresUserRepository } from '../users/postgres.ts';
import { userFileShape } from '../users/user.ts';

const help = `npm run users -- <command>

  import [DB_FILE]   copy the users of a lowdb file (default: DB_FILE) into PostgreSQL

The users go to the table <SESSION_NAMESPACE>_users at DATABASE_URL, with their password
hashes and session versions as they are, so every password and every cookie still works.
A user whose id or name is already there is skipped: running it twice copies nothing twice.`;

class CliError extends Error {}

async function importFile(file: string): Promise<string> {
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch {
    throw new CliError(`cannot read ${file}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    // Not JSON.parse's message: it quotes the start of the file, which may hold anything.
    throw new CliError(`${file} is not valid JSON`);
  }
  const parsed = userFileShape.safeParse(json);
  if (!parsed.success) throw new CliError(`${file} does not hold { "users": [...] } with valid user records`);
  const config = loadConfig();
  const users = await PostgresUserRepository.open({
    url: config.databaseUrl,
    namespace: config.sessionNamespace,
    log: createLogger('warn'),
    now: Date.now,
  });
  const lines: string[] = [];
  const count = { copied: 0, skipped: 0 };
  try {
    // One at a time, in the file's order: the output reads as what happened.
    for (const user of parsed.data.users) {
      const outcome = await users.import(user);
      count[outcome]++;
      lines.push(
        `${outcome} ${user.username}${outcome === 'skipped' ? ' (its id or name is already there)' : ''}`,
      );
    }
  } finally {
    await users.close();
  }
  lines.push(`${count.copied} copied, ${count.skipped} skipped, into ${config.sessionNamespace}_users`);
  return lines.join('\n');
}

async function main(argv: string[]): Promise<string> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { help: { type: 'boolean', short: 'h' } },
  });
  const [command, file] = positionals;
  if (values.help || !command) return help;
  if (command === 'import') return importFile(file ?? loadConfig().dbFile);
  throw new CliError(`unknown command "${command}"; try: npm run users -- --help`);
}

main(process.argv.slice(2)).then(
  (output) => console.log(output),
  (error: unknown) => {
    const parseArgsError = String((error as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS');
    const known =
      error instanceof CliError ||
      error instanceof ConfigError ||
      error instanceof StoreUnreachableError ||
      parseArgsError;
    console.error(`users: ${known ? (error as Error).message : String(error)}`);
    process.exit(1);
  },
);
