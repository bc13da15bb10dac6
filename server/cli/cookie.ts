import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { createCookieCodec } from '../sessions/cookie/codec.ts';
import { cookieFlagsFor, pastedCookieValue } from '../sessions/cookie/header.ts';
import { forgeValue, readOpened } from '../sessions/cookie/leaked-key.ts';
import { lifetimesOf } from '../sessions/lifetimes.ts';
import { readSessionSecrets } from '../sessions/secret-file.ts';
import { createLogger } from '../log.ts';
import { StoreUnreachableError } from '../sessions/server-side/errors.ts';
import { userFileShape, usernameKey, type User } from '../users/user.ts';

const help = `npm run cookie -- <command>

  decode <cookie>          print what is inside a session cookie
  forge --username <name>  print a session cookie the server accepts as that user

Both read SESSION_SECRET (or DB_FILE's development key, kept in DB_FILE.session-secret),
and forge reads the user's id and session version from DB_FILE, or from PostgreSQL with
USER_STORE=postgres.

Why this exists: a cookie store puts the whole session in the browser, sealed with one
key. Whoever holds that key can read every session and mint one for any user, without
a password and without the server noticing. This tool is that attacker, for a class.`;

class CliError extends Error {}

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
    const users = await PostgresUserRepository.open({
      url: config.databaseUrl,
      namespace: config.sessionNamespace,
      log: createLogger('warn'),
      now: Date.now,
    });
    try {
      return await users.findByUsername(username);
    } finally {
      await users.close();
    }
  }
  let raw: string;
  try {
    raw = await readFile(config.dbFile, 'utf8');
  } catch {
    throw new CliError(`cannot read DB_FILE ${config.dbFile}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    // Not JSON.parse's message: it quotes the start of the file, and an error never
    // echoes a file's contents (it may be the wrong file, holding anything).
    throw new CliError(`DB_FILE ${config.dbFile} is not valid JSON`);
  }
  const parsed = userFileShape.safeParse(json);
  if (!parsed.success) throw new CliError(`DB_FILE ${config.dbFile} does not hold a user list`);
  return parsed.data.users.find((candidate) => usernameKey(candidate.username) === usernameKey(username));
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

main(process.argv.slice(2)).then(
  (output) => console.log(output),
  (error: unknown) => {
    const parseArgsError = String((error as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS');
    const known =
      error instanceof CliError ||
      error instanceof ConfigError ||
      error instanceof StoreUnreachableError ||
      parseArgsError;
    console.error(`cookie: ${known ? (error as Error).message : String(error)}`);
    process.exit(1);
  },
);
