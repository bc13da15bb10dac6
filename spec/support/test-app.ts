import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { use } from 'chai';
import chaiHttp, { request } from 'chai-http';
import { boot, type Booted } from '../../server/boot.ts';
import { loadConfig, type Config } from '../../server/config.ts';
import { createLogger } from '../../server/log.ts';
import { cookieFlagsFor } from '../../server/sessions/cookie/header.ts';

use(chaiHttp);
export { request };

export const testSecret = 'spec-secret-0123456789-abcdefghijklmnop';

/**
 * A clock the specs move by hand: expiry is tested by moving time, never by sleeping.
 * It starts at the real time, because the cookie jar of chai-http's agent checks a
 * cookie's Expires against the real clock.
 */
export class TestClock {
  constructor(public ms = Date.now()) {}
  readonly now = (): number => this.ms;
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

export interface TestApp extends Booted {
  config: Config;
  clock: TestClock;
  /** Every log line the app wrote, at debug level and up. */
  logs: string[];
  dir: string;
  /** What boot reported through onUserFileLost: the user file's lock taken away while running. */
  lostUserFile: Error[];
}

/**
 * Builds the real app on a fresh temp folder (never data/), at bcrypt cost 4, with a
 * movable clock and captured logs. `env` takes the same variables as the real process.
 */
export async function testApp(
  env: Record<string, string> = {},
  reuse?: { dir: string; clock?: TestClock },
): Promise<TestApp> {
  const dir = reuse?.dir ?? (await mkdtemp(path.join(tmpdir(), 'cookie-lab-spec-')));
  const config = loadConfig({
    // Production refuses a cost under 10 (it would be unsafe anywhere real).
    BCRYPT_COST: env.NODE_ENV === 'production' ? '10' : '4',
    // bcryptjs on the main thread: at cost 4 a hash takes a millisecond, while a worker
    // pool costs each app a thread start. The pool has its own spec (hashing.spec.ts),
    // and every spec of the real process (process.ts) runs with it.
    HASH_WORKERS: '0',
    SESSION_SECRET: testSecret,
    DB_FILE: path.join(dir, 'db.json'),
    LOG_LEVEL: 'debug',
    ...env,
  });
  const clock = reuse?.clock ?? new TestClock();
  const logs: string[] = [];
  const lostUserFile: Error[] = [];
  const booted = await boot(
    config,
    createLogger(config.logLevel, (line) => logs.push(line)),
    {
      now: clock.now,
      onUserFileLost: (error) => lostUserFile.push(error),
    },
  );
  return { ...booted, config, clock, logs, dir, lostUserFile };
}

export async function removeTestApp(app: TestApp): Promise<void> {
  await app.close();
  await rm(app.dir, { recursive: true, force: true });
}

export const alice = { username: 'alice', password: 'correct horse battery' };

/** The Set-Cookie line for the named cookie in a response, if any. */
export function setCookieFor(
  res: { headers: Record<string, unknown> },
  name = 'session',
): string | undefined {
  const raw = res.headers['set-cookie'];
  const lines = Array.isArray(raw) ? (raw as string[]) : raw ? [String(raw)] : [];
  return lines.find((line) => line.startsWith(name + '='));
}

/** The cookie value (what devtools shows) from a Set-Cookie line. */
export function cookieValue(setCookie: string | undefined): string {
  if (!setCookie) throw new Error('no Set-Cookie for the session in this response');
  return setCookie.slice(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));
}

/**
 * A request from a browser that holds this session cookie: `withCookie(lab, cookie).get('/api/me')`.
 * The cookie goes under the name the app's mode gives it (`__Host-session` in production).
 * A spec about how the Cookie header itself is spelled builds that header by hand.
 */
export function withCookie(lab: Pick<TestApp, 'app' | 'config'>, cookie: string) {
  const header = `${cookieFlagsFor(lab.config).name}=${cookie}`;
  const send = (method: 'get' | 'post' | 'put' | 'delete') => (path: string) =>
    request.execute(lab.app)[method](path).set('Cookie', header);
  return { get: send('get'), post: send('post'), put: send('put'), delete: send('delete') };
}

/** Registers and logs in; returns the session cookie value. */
export async function loginAs(app: TestApp, user = alice): Promise<string> {
  const registered = await request.execute(app.app).post('/api/register').send(user);
  if (registered.status !== 201 && registered.status !== 409)
    throw new Error(`register: ${registered.status}`);
  const res = await request.execute(app.app).post('/api/login').send(user);
  if (res.status !== 200) throw new Error(`login: ${res.status} ${JSON.stringify(res.body)}`);
  return cookieValue(setCookieFor(res));
}
