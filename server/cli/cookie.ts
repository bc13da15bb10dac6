import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../config.ts';
import { createCookieCodec } from '../sessions/cookie/codec.ts';
import { cookieFlagsFor, pastedCookieValue } from '../sessions/cookie/header.ts';
import { forgeValue, readOpened } from '../sessions/cookie/leaked-key.ts';
import { lifetimesOf } from '../sessions/lifetimes.ts';
import { readSessionSecrets } from '../sessions/secret-file.ts';
import { createLogger } from '../log.ts';
import { usernameKey, type User } from '../users/user.ts';
import { CliError, readUserList, runCli } from './run.ts';

const help = `npm run cookie -- <command>

  decode <cookie>          print what is inside a session cookie
  forge --username <name>  print a session cookie the server accepts as that user

Both read SESSION_SECRET (or DB_FILE's development key, kept in DB_FILE.session-secret),
and forge reads the user's id and session version from DB_FILE, or from PostgreSQL with
USER_STORE=postgres.

Why this exists: a cookie store puts the whole session in the browser, sealed with one
key. Whoever holds that key can read every session and mint one for any user, without
a password and without the server noticing. This tool is that attacker, for a class.`;

async function codecFor(config: Config) {
  const secrets = await readSessionSecrets(config);
  if (!secrets) throw new CliError('no key: set SESSION_SECRET, or start the server once to generate one');
  return createCookieCodec(cookieFlagsFor(config).name, secrets);
}

async function decode(config: Config, raw: string | undefined): Promise<string> {
  if (!raw) throw new CliError('decode needs a cookie value: npm run cookie -- decode <cookie>');
  const opened = (await codecFor(config)).open(pastedCookieValue(raw));
  if (!opened)
    throw new CliError(
      'not a session cookie sealed with any key of SESSION_SECRET (tampered, truncated or foreign)',
    );
  const { format: _format, ...reading } = readOpened(opened, lifetimesOf(config));
  return JSON.stringify(reading, null, 2);
}

/** The user as the running server sees it; the lowdb file is read, never locked or written. */
async function findUser(config: Config, username: string): Promise<User | undefined> {
  if (config.userStore === 'postgres') {
    // Loaded only here: reading a cookie must not load a database client.
    const { PostgresUserRepository } = await import('../users/postgres.ts');
    const users = await PostgresUserRepository.open(config, createLogger('warn'));
    try {
      return await users.findByUsername(username);
    } finally {
      await users.close();
    }
  }
  const users = await readUserList(config.dbFile, `DB_FILE ${config.dbFile}`);
  return users.find((candidate) => usernameKey(candidate.username) === usernameKey(username));
}

async function forge(config: Config, username: string | undefined): Promise<string> {
  if (!username) throw new CliError('forge needs --username <name>');
  const user = await findUser(config, username);
  const where = config.userStore === 'postgres' ? `${config.sessionNamespace}_users` : config.dbFile;
  if (!user) throw new CliError(`no user named ${username} in ${where}`);
  const value = forgeValue(await codecFor(config), user, Date.now(), config.sessionIdleSeconds);
  return `${cookieFlagsFor(config).name}=${value}`;
}

async function main(argv: string[]): Promise<string> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { username: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const [command, argument] = positionals;
  if (values.help || !command) return help;
  const config = loadConfig();
  if (command === 'decode') return decode(config, argument);
  if (command === 'forge') return forge(config, values.username);
  throw new CliError(`unknown command "${command}"; try: npm run cookie -- --help`);
}

runCli('cookie', main);
