/**
 * The exercise's autograder: `npm run exercise:grade [-- <app.js>] [--expect-todos | --expect-fail <ids>]`.
 *
 * It imports the student's module, builds the app with `createApp({ dbFile, secret })` on a
 * fresh user file, serves it on a free port and runs one check per point of the lesson, with
 * chai-http as the specs in spec/ do. Each check stands alone: one that needs a session brings
 * its own, sealed with the app's key as client-sessions would seal it, so one mistake fails
 * its own check and no other.
 *
 * Exit code: 0 when every check passes, or when exactly the expected checks fail
 * (`--expect-todos`: the ids named by the file's `TODO(<id>, …)` markers; `--expect-fail`:
 * a comma-separated list); 1 otherwise; 2 when the command line is wrong.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import bcrypt from 'bcryptjs';
import { expect } from 'chai';
import { request } from 'chai-http';
import clientSessions from 'client-sessions';

type Response = Awaited<ReturnType<ReturnType<typeof request.execute>['get']>>;
interface User {
  id: string;
  username: string;
}

const DEFAULT_APP = 'exercise/starter/app.js';
const alice = { username: 'alice', password: 'correct horse battery staple' };
const BCRYPT_HASH = /\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}/;
/** Answered by the grader itself, on the app's own event loop, to see whether that loop is free. */
const PING_PATH = '/__grader/ping';
/** A check that has not finished by then fails: a handler that never answers must not hang the grade. */
const CHECK_DEADLINE_MS = 30_000;

/** Everything a check may use: the app's address and key, and a few helpers. */
class Grading {
  url = '';
  private registration?: Promise<Response>;
  /** Order of events on the server: pings answered, and the watched login's body and answer. */
  private seq = 0;
  readonly pings: number[] = [];
  private armed?: { bodyEnd?: number; answered?: number };

  constructor(
    readonly dbFile: string,
    readonly secret: string,
  ) {}

  /** Serves the app behind a thin listener that answers pings and watches one login. */
  listen(app: http.RequestListener): Promise<http.Server> {
    const server = http.createServer((req, res) => {
      if (req.url === PING_PATH) {
        this.pings.push(++this.seq);
        res.end('pong');
        return;
      }
      const watch = this.armed;
      if (watch && req.method === 'POST' && req.url === '/api/login') {
        this.armed = undefined;
        // 'end' fires as the JSON body parser finishes reading, just before the route runs;
        // res.end is called in the same turn of the event loop as the answer is written.
        req.once('end', () => (watch.bodyEnd = ++this.seq));
        const end = res.end.bind(res) as (...args: unknown[]) => http.ServerResponse;
        res.end = ((...args: unknown[]) => {
          watch.answered ??= ++this.seq;
          return end(...args);
        }) as typeof res.end;
      }
      app(req, res);
    });
    return new Promise((resolve) =>
      server.listen(0, '127.0.0.1', () => {
        this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        resolve(server);
      }),
    );
  }

  /** The next POST /api/login is watched: when its body ended and when it was answered. */
  watchNextLogin(): { bodyEnd?: number; answered?: number } {
    return (this.armed = {});
  }

  get(route: string, cookie = ''): Promise<Response> {
    const req = request.execute(this.url).get(route);
    return cookie ? req.set('Cookie', cookie) : req;
  }

  post(route: string, body: object = {}, cookie = ''): Promise<Response> {
    const req = request.execute(this.url).post(route).send(body);
    return cookie ? req.set('Cookie', cookie) : req;
  }

  /** alice's registration, made once for every check that needs her. */
  register(): Promise<Response> {
    return (this.registration ??= this.post('/api/register', alice));
  }

  async alice(): Promise<User> {
    const res = await this.register();
    if (res.status !== 201 || typeof res.body?.id !== 'string') {
      throw new Error(`needs alice registered, but POST /api/register answered ${res.status}`);
    }
    return { id: res.body.id, username: alice.username };
  }

  /** A `Cookie` header holding a session for this user, sealed with the app's key. */
  cookieFor(user: User): string {
    const value = clientSessions.util.encode({ cookieName: 'session', secret: this.secret }, { user });
    return `session=${value}`;
  }

  /** What a session cookie holds, opened with the app's key; undefined if it does not open. */
  open(value: string): Record<string, unknown> | undefined {
    try {
      return clientSessions.util.decode({ cookieName: 'session', secret: this.secret }, value)?.content;
    } catch {
      return undefined;
    }
  }
}

/** The `Set-Cookie` line for the session cookie, if the answer has one. */
function sessionSetCookie(res: Response): string | undefined {
  const lines: string[] = [res.headers['set-cookie'] ?? []].flat();
  return lines.find((line) => line.startsWith('session='));
}

/** The `Cookie` header a browser sends next: the new value if the answer set one, else the old. */
function cookieAfter(res: Response, previous: string): string {
  const line = sessionSetCookie(res);
  if (!line) return previous;
  const pair = line.split(';')[0]!;
  const expires = /;\s*expires=([^;]+)/i.exec(line)?.[1];
  const gone =
    pair === 'session=' || /;\s*max-age=0/i.test(line) || (expires && Date.parse(expires) < Date.now());
  return gone ? '' : pair;
}

async function storedHash(g: Grading): Promise<string> {
  await g.alice();
  const hash = BCRYPT_HASH.exec(await readFile(g.dbFile, 'utf8'))?.[0];
  if (!hash) throw new Error(`no bcrypt hash ($2b$…) in the user file ${g.dbFile}`);
  return hash;
}

/** Keeps `loops` requests to PING_PATH in flight, each sent when the previous one is answered. */
function keepPinging(url: string, loops: number): () => Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: loops });
  let stopped = false;
  const ping = () =>
    new Promise<void>((resolve, reject) => {
      http.get(url + PING_PATH, { agent }, (res) => res.resume().on('end', resolve)).on('error', reject);
    });
  const runs = Array.from({ length: loops }, async () => {
    while (!stopped) await ping();
  });
  return async () => {
    stopped = true;
    await Promise.all(runs);
    agent.destroy();
  };
}

interface Check {
  id: string;
  points: number;
  title: string;
  /** Throws (a chai assertion) when the requirement is not met; may return a note. */
  run(g: Grading): Promise<string | void>;
}

const checks: Check[] = [
  {
    id: 'register-hash',
    points: 2,
    title: 'register stores a bcrypt hash, never the password',
    async run(g) {
      const res = await g.register();
      expect(res.status, 'POST /api/register').to.equal(201);
      expect(res.body, 'its answer').to.include({ username: 'alice' }).and.have.property('id');
      expect(JSON.stringify(res.body), 'its answer')
        .not.to.include(alice.password)
        .and.not.match(BCRYPT_HASH);
      expect(await readFile(g.dbFile, 'utf8'), 'the user file').not.to.include(alice.password);
      const hash = await storedHash(g);
      expect(await bcrypt.compare(alice.password, hash), 'the stored hash matches the password').to.equal(
        true,
      );
    },
  },
  {
    id: 'hash-cost',
    points: 1,
    title: 'the bcrypt cost is between 10 and 12',
    async run(g) {
      const cost = bcrypt.getRounds(await storedHash(g));
      expect(cost, 'the cost in the stored hash').to.be.within(10, 12);
      return `cost ${cost}`;
    },
  },
  {
    id: 'hash-yields',
    points: 2,
    title: 'other requests are answered while a login hashes',
    async run(g) {
      await g.alice();
      // No clock decides: the verdict is the order of events on the server (a ping answered
      // after the login's body and before its answer), which a loaded machine slows but never
      // reorders. hashSync cannot let a ping in; bcryptjs's async API yields every 100 ms.
      const watch = g.watchNextLogin();
      const stopPinging = keepPinging(g.url, 3);
      const started = performance.now();
      const login = await g.post('/api/login', alice);
      const ms = Math.round(performance.now() - started);
      await stopPinging();
      expect(login.status, 'POST /api/login').to.equal(200);
      const { bodyEnd = Infinity, answered = -Infinity } = watch;
      const during = g.pings.filter((seq) => seq > bodyEnd && seq < answered).length;
      if (during === 0) {
        throw new Error(
          `no other request was answered in the ${ms} ms of the login: the hash held the server from ` +
            'start to end (bcryptjs’s async API lets others in every 100 ms)',
        );
      }
      return `${during} other requests answered during a ${ms} ms login`;
    },
  },
  {
    id: 'login-rejects',
    points: 1,
    title: 'a wrong password and an unknown user get the same 401, and no session',
    async run(g) {
      await g.alice();
      const wrong = await g.post('/api/login', { ...alice, password: 'not the password' });
      const unknown = await g.post('/api/login', { ...alice, username: 'nobody-by-that-name' });
      for (const [what, res] of [
        ['a wrong password', wrong],
        ['an unknown user', unknown],
      ] as const) {
        expect(res.status, `POST /api/login with ${what}`).to.equal(401);
        expect(res.body, `POST /api/login with ${what}`).to.include({ error: 'invalid_credentials' });
        const cookie = cookieAfter(res, '');
        expect(g.open(cookie.slice('session='.length))?.user, `the session after ${what}`).to.equal(
          undefined,
        );
      }
      expect(unknown.body, 'the unknown user’s answer').to.deep.equal(wrong.body);
    },
  },
  {
    id: 'login-session',
    points: 3,
    title: 'login starts a session: an HttpOnly cookie that holds the user, never the hash',
    async run(g) {
      await g.alice();
      const res = await g.post('/api/login', alice);
      expect(res.status, 'POST /api/login').to.equal(200);
      expect(res.body).to.deep.equal({ message: 'Welcome alice!' });
      const line = sessionSetCookie(res);
      if (!line) throw new Error('POST /api/login set no `session` cookie: no session started');
      expect(line, 'the session cookie').to.match(/;\s*httponly/i);
      const cookie = line.split(';')[0]!;
      const session = g.open(cookie.slice('session='.length));
      expect(session?.user, 'req.session.user').to.include({ username: 'alice' });
      expect(JSON.stringify(session), 'the session')
        .not.to.match(BCRYPT_HASH)
        .and.not.include(alice.password);
      const me = await g.get('/api/me', cookie);
      expect(me.status, 'GET /api/me with that cookie').to.equal(200);
      expect(me.body, 'GET /api/me with that cookie').to.include({ username: 'alice' });
    },
  },
  {
    id: 'no-session-401',
    points: 2,
    title: 'GET /api/me and /api/users answer 401 without a valid session',
    async run(g) {
      const sealed = g.cookieFor(await g.alice());
      // One character of the ciphertext changed: the HMAC no longer matches.
      const at = sealed.indexOf('.') + 5;
      const tampered = sealed.slice(0, at) + (sealed[at] === 'A' ? 'B' : 'A') + sealed.slice(at + 1);
      for (const route of ['/api/me', '/api/users']) {
        for (const [what, cookie] of [
          ['without a cookie', ''],
          ['with a tampered cookie', tampered],
        ]) {
          const res = await g.get(route, cookie);
          expect(res.status, `GET ${route} ${what}`).to.equal(401);
          expect(res.type, `GET ${route} ${what}`).to.equal('application/json');
          expect(res.body, `GET ${route} ${what}`).to.include({ error: 'not_authenticated' });
        }
      }
    },
  },
  {
    id: 'session-routes',
    points: 2,
    title: 'with a session, GET /api/me and /api/users answer, never with a hash',
    async run(g) {
      const user = await g.alice();
      const me = await g.get('/api/me', g.cookieFor(user));
      const users = await g.get('/api/users', g.cookieFor(user));
      for (const [route, res] of [
        ['/api/me', me],
        ['/api/users', users],
      ] as const) {
        expect(res.status, `GET ${route}`).to.equal(200);
        expect(res.text, `GET ${route}`).not.to.match(BCRYPT_HASH).and.not.include(alice.password);
      }
      expect(me.body, 'GET /api/me').to.include(user);
      expect(users.body, 'GET /api/users').to.be.an('array').that.deep.includes(user);
    },
  },
  {
    id: 'logout-post',
    points: 2,
    title: 'POST /api/logout ends the session',
    async run(g) {
      const cookie = g.cookieFor(await g.alice());
      const out = await g.post('/api/logout', {}, cookie);
      expect(out.status, 'POST /api/logout').to.equal(200);
      expect(out.type, 'POST /api/logout').to.equal('application/json');
      const me = await g.get('/api/me', cookieAfter(out, cookie));
      expect(me.body?.username, 'GET /api/me after POST /api/logout answers as').not.to.equal('alice');
    },
  },
  {
    id: 'logout-get-refused',
    points: 1,
    title: 'GET /api/logout answers 405 and changes nothing',
    async run(g) {
      const cookie = g.cookieFor(await g.alice());
      const res = await g.get('/api/logout', cookie);
      expect(res.status, 'GET /api/logout').to.equal(405);
      expect(res.body, 'GET /api/logout').to.include({ error: 'method_not_allowed' });
      const me = await g.get('/api/me', cookieAfter(res, cookie));
      expect(me.status, 'GET /api/me after GET /api/logout').to.equal(200);
      expect(me.body, 'GET /api/me after GET /api/logout').to.include({ username: 'alice' });
    },
  },
];

function usage(message: string): never {
  console.error(`exercise:grade: ${message}`);
  console.error('usage: npm run exercise:grade [-- <app.js>] [--expect-todos | --expect-fail <id,id,...>]');
  console.error(`checks: ${checks.map((c) => c.id).join(', ')}`);
  process.exit(2);
}

function parseArgs(argv: string[]): { file: string; expect?: 'todos' | string[] } {
  let file: string | undefined;
  let expected: 'todos' | string[] | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--expect-todos') expected = 'todos';
    else if (arg === '--expect-fail') {
      const list = argv[++i];
      if (!list) usage('--expect-fail needs a comma-separated list of check ids');
      expected = list.split(',').map((id) => id.trim());
    } else if (arg.startsWith('-')) usage(`unknown option ${arg}`);
    else if (file) usage(`one app at a time (got ${file} and ${arg})`);
    else file = arg;
  }
  return { file: file ?? DEFAULT_APP, expect: expected };
}

function withDeadline<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no result within ${CHECK_DEADLINE_MS / 1000} s`)),
      CHECK_DEADLINE_MS,
    );
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const file = path.resolve(args.file);
  const source = await readFile(file, 'utf8').catch(() => usage(`cannot read ${args.file}`));
  const known = new Set(checks.map((c) => c.id));
  const expected =
    args.expect === 'todos'
      ? [
          ...new Set(
            [...source.matchAll(/TODO\(([^)]*)\)/g)].flatMap((m) => m[1]!.split(',').map((id) => id.trim())),
          ),
        ]
      : (args.expect ?? []);
  for (const id of expected) if (!known.has(id)) usage(`unknown check id "${id}" expected to fail`);

  const dir = await mkdtemp(path.join(tmpdir(), 'exercise-grade-'));
  const g = new Grading(path.join(dir, 'users.json'), randomBytes(32).toString('hex'));
  // A student's stray promise must not end the grading: it is reported, the check fails on its own.
  process.on('unhandledRejection', (reason) =>
    console.error(`  (the app left a promise rejected: ${reason})`),
  );
  const started = performance.now();
  console.log(`Grading ${path.relative(process.cwd(), file)}\n`);
  try {
    const { createApp } = await import(pathToFileURL(file).href);
    if (typeof createApp !== 'function') throw new Error('the module exports no createApp function');
    await g.listen(await createApp({ dbFile: g.dbFile, secret: g.secret }));
  } catch (err) {
    console.log(`  ✘ the app did not start: ${(err as Error).message}`);
    await rm(dir, { recursive: true, force: true });
    return 1;
  }

  const failed: string[] = [];
  let score = 0;
  const total = checks.reduce((sum, c) => sum + c.points, 0);
  const width = Math.max(...checks.map((c) => c.id.length));
  for (const check of checks) {
    const head = (mark: string, got: number) =>
      `  ${mark} ${got}/${check.points}  ${check.id.padEnd(width)}  ${check.title}`;
    try {
      const note = await withDeadline(check.run(g));
      score += check.points;
      console.log(head('✔', check.points) + (note ? ` (${note})` : ''));
    } catch (err) {
      failed.push(check.id);
      console.log(head('✘', 0));
      console.log(`${' '.repeat(11 + width)}${(err as Error).message.split('\n')[0]}`);
    }
  }
  await rm(dir, { recursive: true, force: true });

  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const passed = checks.length - failed.length;
  console.log(`\nScore: ${score}/${total} (${passed} of ${checks.length} checks passed) in ${seconds} s`);
  if (!args.expect) return failed.length === 0 ? 0 : 1;

  const from = args.expect === 'todos' ? 'the TODOs in the file' : '--expect-fail';
  const surprise = [
    ...expected.filter((id) => !failed.includes(id)).map((id) => `${id} passed`),
    ...failed.filter((id) => !expected.includes(id)).map((id) => `${id} failed`),
  ];
  if (surprise.length === 0) {
    console.log(`As expected by ${from}: exactly ${expected.join(', ') || 'no checks'} failed.`);
    return 0;
  }
  console.log(
    `Not as expected by ${from} (${expected.join(', ') || 'no failures'}): ${surprise.join('; ')}.`,
  );
  return 1;
}

// Exits explicitly: a student's timer or open handle must not keep the grade from ending.
process.exit(await main());
