import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { createLogger } from '../log.ts';
import { PostgresUserRepository } from '../users/postgres.ts';
import { CliError, readUserList, runCli } from './run.ts';

const help = `npm run users -- <command>

  import [DB_FILE]   copy the users of a lowdb file (default: DB_FILE) into PostgreSQL

The users go to the table <SESSION_NAMESPACE>_users at DATABASE_URL, with their password
hashes and session versions as they are, so every password and every cookie still works.
A user whose id or name is already there is skipped: running it twice copies nothing twice.`;

async function importFile(file: string): Promise<string> {
  const fileUsers = await readUserList(file);
  const config = loadConfig();
  const users = await PostgresUserRepository.open(config, createLogger('warn'));
  const lines: string[] = [];
  const count = { copied: 0, skipped: 0 };
  try {
    // One at a time, in the file's order: the output reads as what happened.
    for (const user of fileUsers) {
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

runCli('users', main);
