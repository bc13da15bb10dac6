import { readFile } from 'node:fs/promises';
import { Agent } from 'node:http';
import { expect } from 'chai';
import fc from 'fast-check';
import clientSessions from 'client-sessions';
import { userFileShape, usernameKey } from '../../server/users/user.ts';
import { listen, send, type Listening, type RawResponse } from '../support/raw-http.ts';
import { alice, loginAs, removeTestApp, testApp, type TestApp } from '../support/test-app.ts';

// Seeded and bounded: the same few thousand requests on every run, in CI too. A failure
// prints the counterexample and the seed, so it replays exactly.
const seed = 20_240_611;
const anonymousRuns = 1_500;
const authenticatedRuns = 500;

// Every route with the method it takes (the lead's lab routes are fuzzed whether or not
// they exist yet), plus random methods and paths.
const routes: [string, string][] = [
  ['POST', '/api/register'],
  ['POST', '/api/login'],
  ['POST', '/api/logout'],
  ['POST', '/api/logout/all'],
  ['GET', '/api/me'],
  ['DELETE', '/api/me'],
  ['PUT', '/api/me/password'],
  ['GET', '/api/users'],
  ['GET', '/api/session'],
  ['PUT', '/api/session/notes'],
  ['POST', '/api/lab/replay'],
  ['GET', '/healthz'],
];
const methods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const target = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...routes) },
  {
    weight: 1,
    arbitrary: fc.tuple(
      fc.constantFrom(...methods),
      fc.oneof(
        fc.constantFrom(...routes.map(([, path]) => path)),
        fc.webPath().map((path) => (path.startsWith('/') ? path : '/' + path)),
      ),
    ),
  },
);

const printable = fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code));
const headerText = (maxLength = 80) => fc.string({ unit: printable, maxLength });
const cookieish = fc.string({
  unit: fc.constantFrom(...'ABCDEFabcdef0123456789-_.=;'.split('')),
  maxLength: 300,
});

const username = fc.oneof(
  fc.constantFrom('alice', ' ALICE ', 'bob', '__proto__', 'constructor', 'prototype', ''),
  fc.string({ maxLength: 40 }),
  fc.stringMatching(/^[A-Za-z0-9._-]{3,12}$/),
);
const password = fc.oneof(
  fc.constantFrom(alice.password, 'password1', 'a fine password', 'x'.repeat(73)),
  fc.string({ maxLength: 90 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
);
const objectBody = fc.oneof(
  fc.constant({ username: alice.username, password: alice.password }),
  fc.record({ username, password }),
  fc.record({ username, password }, { requiredKeys: [] }),
  fc.record(
    { currentPassword: password, newPassword: password, password, text: fc.string(), cookie: cookieish },
    { requiredKeys: [] },
  ),
  fc
    .tuple(
      fc.record({ username, password }),
      fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'prototype', 'extra'), fc.jsonValue()),
    )
    .map(([a, b]) => ({ ...b, ...a })),
);
const body = fc.oneof(
  { weight: 10, arbitrary: objectBody.map((value) => JSON.stringify(value)) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)) },
  { weight: 2, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 1, arbitrary: fc.constant(JSON.stringify({ username: 'alice', password: 'p'.repeat(11_000) })) },
  { weight: 2, arbitrary: fc.constant(undefined) },
);
const contentType = fc.constantFrom(
  'application/json',
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'text/plain',
  'application/x-www-form-urlencoded',
  undefined,
);

/** Absent three times in four: most real requests carry none of the optional headers. */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });

interface Call {
  method: string;
  path: string;
  body: string | undefined;
  headers: Record<string, string>;
}

function call(cookie: fc.Arbitrary<string | undefined>, ownOrigin: string): fc.Arbitrary<Call> {
  return fc
    .record({
      target,
      query: sometimes(headerText(20).map(encodeURIComponent)),
      body,
      contentType,
      cookie,
      origin: sometimes(
        fc.oneof(fc.constantFrom('null', 'https://evil.example', ownOrigin, ownOrigin), headerText(40)),
      ),
      fetchSite: sometimes(fc.constantFrom('same-origin', 'same-site', 'cross-site', 'none', 'bogus')),
      forwarded: sometimes(fc.oneof(fc.ipV4(), headerText(30))),
      forwardedProto: sometimes(fc.constantFrom('https', 'http', 'gopher')),
      forwardedHost: sometimes(headerText(30)),
      encoding: sometimes(fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'compress', 'x-nonsense')),
    })
    .map((c) => {
      const headers: Record<string, string> = {};
      if (c.contentType && c.body !== undefined) headers['Content-Type'] = c.contentType;
      if (c.cookie !== undefined) headers.Cookie = c.cookie;
      if (c.origin !== undefined) headers.Origin = c.origin;
      if (c.fetchSite !== undefined) headers['Sec-Fetch-Site'] = c.fetchSite;
      if (c.forwarded !== undefined) headers['X-Forwarded-For'] = c.forwarded;
      if (c.forwardedProto !== undefined) headers['X-Forwarded-Proto'] = c.forwardedProto;
      if (c.forwardedHost !== undefined) headers['X-Forwarded-Host'] = c.forwardedHost;
      if (c.encoding !== undefined) headers['Content-Encoding'] = c.encoding;
      const [method, route] = c.target;
      const path = c.query === undefined ? route : `${route}?q=${c.query}`;
      return { method, path, body: method === 'GET' || method === 'HEAD' ? undefined : c.body, headers };
    });
}

/** The path without its query string. */
const route = (c: Call): string => c.path.split('?')[0]!;

function sessionSet(res: RawResponse): boolean {
  const lines = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return lines.some((line) => /^session=[^;]+/.test(line));
}

function credentials(body: string | undefined): Record<string, unknown> {
  try {
    const parsed = JSON.parse(body ?? '');
    return parsed && typeof parsed === 'object' ? parsed : {};
  } catch {
    return {};
  }
}

describe('security: fuzzing every route (fast-check, seeded)', function () {
  this.timeout(120_000);
  let lab: TestApp;
  let server: Listening;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  /** The model: what the user file should hold, username key -> password. */
  const registered = new Map<string, string>([[usernameKey(alice.username), alice.password]]);

  before(async () => {
    lab = await testApp({ TRUST_PROXY: '1', LOG_LEVEL: 'silent' });
    server = await listen(lab.app);
    await loginAs(lab);
  });
  after(async () => {
    agent.destroy();
    await server.close();
    await removeTestApp(lab);
  });

  const run = (c: Call) => send(server.port, { ...c, agent });

  it(`never answers 5xx and never issues a session without a successful login (${anonymousRuns} anonymous requests)`, async () => {
    const foreign = clientSessions.util.encode(
      { cookieName: 'session', secret: 'not our key' },
      { userId: 'x', username: 'alice', version: 0, issuedAt: Date.now() },
      600_000,
    );
    const cookie = fc.oneof(
      fc.constant(undefined),
      cookieish,
      cookieish.map((v) => `session=${v}`),
      fc.constant(`session=${foreign}`),
    );
    await fc.assert(
      fc.asyncProperty(call(cookie, `http://127.0.0.1:${server.port}`), async (c) => {
        const res = await run(c);
        expect(res.status, `${c.method} ${c.path}: ${res.text}`).to.be.below(500);
        const sent = credentials(c.body);
        if (c.method === 'POST' && route(c) === '/api/register' && res.status === 201) {
          registered.set(usernameKey(JSON.parse(res.text).username), String(sent.password));
        }
        const login = c.method === 'POST' && route(c) === '/api/login' && res.status === 200;
        expect(sessionSet(res), `${c.method} ${c.path} ${res.status} set a session`).to.equal(login);
        if (login) {
          const key = usernameKey(String(sent.username).trim());
          expect(registered.get(key), `a login as ${key} with the right password`).to.equal(sent.password);
        }
      }),
      { seed, numRuns: anonymousRuns },
    );
  });

  it(`never answers 5xx to a logged-in user's random requests (${authenticatedRuns})`, async () => {
    let cookie = await loginAs(lab);
    await fc.assert(
      fc.asyncProperty(call(fc.constant(undefined), `http://127.0.0.1:${server.port}`), async (c) => {
        const res = await run({ ...c, headers: { ...c.headers, Cookie: `session=${cookie}` } });
        expect(res.status, `${c.method} ${c.path}: ${res.text}`).to.be.below(500);
        const sent = credentials(c.body);
        if (res.status === 200 && c.method === 'PUT' && route(c) === '/api/me/password') {
          registered.set(usernameKey(alice.username), String(sent.newPassword));
        }
        if (res.status === 200 && c.method === 'DELETE' && route(c) === '/api/me')
          registered.delete(usernameKey(alice.username));
        if (res.status === 201 && c.method === 'POST' && route(c) === '/api/register') {
          registered.set(usernameKey(JSON.parse(res.text).username), String(sent.password));
        }
        // Keep a working session for the next run, whatever this one did to it.
        const line = ([] as string[])
          .concat(res.headers['set-cookie'] ?? [])
          .find((l) => /^session=[^;]+/.test(l));
        if (line) cookie = line.slice('session='.length, line.indexOf(';'));
        else if (
          (
            await run({
              method: 'GET',
              path: '/api/me',
              body: undefined,
              headers: { Cookie: `session=${cookie}` },
            })
          ).status === 401
        ) {
          const password = registered.get(usernameKey(alice.username));
          if (password !== undefined) {
            const again = await run({
              method: 'POST',
              path: '/api/login',
              body: JSON.stringify({ username: 'alice', password }),
              headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': '192.0.2.200' },
            });
            const fresh = ([] as string[]).concat(again.headers['set-cookie'] ?? [])[0];
            if (fresh) cookie = fresh.slice('session='.length, fresh.indexOf(';'));
          }
        }
      }),
      { seed: seed + 1, numRuns: authenticatedRuns },
    );
  });

  it('leaves a user file that parses and holds exactly the accounts that were acknowledged', async () => {
    const file = userFileShape.parse(JSON.parse(await readFile(lab.config.dbFile, 'utf8')));
    expect(file.users.map((user) => usernameKey(user.username)).sort()).to.deep.equal(
      [...registered.keys()].sort(),
    );
    expect(registered.size, 'the fuzz registered some accounts').to.be.above(1);
  });
});
