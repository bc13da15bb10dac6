import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { createCookieCodec } from '../sessions/cookie/codec.ts';
import { pastedCookieValue } from '../sessions/cookie/header.ts';
import { sessionCookieName } from '../sessions/create-store.ts';
import { readSessionSecrets } from '../sessions/secret-file.ts';
import { userFileShape } from '../users/user.ts';
import { usernameKey } from '../users/user.ts';

const help = `npm run cookie -- <command>

  decode <cookie>          print what is inside a session cookie
  forge --username <name>  print a session cookie the server accepts as that user

Both read SESSION_SECRET (or DB_FILE's development key, kept in DB_FILE.session-secret),
and forge reads the user's id and session version from DB_FILE.

Why this exists: a cookie store puts the whole session in the browser, sealed with one
key. Whoever holds that key can read every session and mint one for any user, without
a password and without the server noticing. This tool is that attacker, for a class.`;

class CliError extends Error {}

async function codecFor(config: Config) {
  const secrets = await readSessionSecrets(config);
  if (!secrets) throw new CliError('no key: set SESSION_SECRET, or start the server once to generate one');
  return createCookieCodec(sessionCookieName(config), secrets);
}

async function decode(config: Config, raw: string | undefined): Promise<string> {
  if (!raw) throw new CliError('decode needs a cookie value: npm run cookie -- decode <cookie>');
  const opened = (await codecFor(config)).open(pastedCookieValue(raw));
  if (!opened)
    throw new CliError(
      'not a session cookie sealed with any key of SESSION_SECRET (tampered, truncated or foreign)',
    );
  const idleMs = config.sessionIdleSeconds * 1000;
  return JSON.stringify(
    {
      payload: opened.payload,
      sealedAt: new Date(opened.sealedAt).toISOString(),
      idleExpiresAt: new Date(opened.sealedAt + idleMs).toISOString(),
      absoluteExpiresAt: new Date(opened.payload.issuedAt + config.sessionTtlSeconds * 1000).toISOString(),
      keyIndex: opened.keyIndex,
    },
    null,
    2,
  );
}

async function forge(config: Config, username: string | undefined): Promise<string> {
  if (!username) throw new CliError('forge needs --username <name>');
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
  const user = parsed.data.users.find(
    (candidate) => usernameKey(candidate.username) === usernameKey(username),
  );
  if (!user) throw new CliError(`no user named ${username} in ${config.dbFile}`);
  const now = Date.now();
  const payload = { userId: user.id, username: user.username, version: user.sessionVersion, issuedAt: now };
  const value = (await codecFor(config)).seal(payload, now, config.sessionIdleSeconds * 1000);
  return `${sessionCookieName(config)}=${value}`;
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
    const known = error instanceof CliError || error instanceof ConfigError || parseArgsError;
    console.error(`cookie: ${known ? (error as Error).message : String(error)}`);
    process.exit(1);
  },
);
