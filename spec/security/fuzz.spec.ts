import { readFile } from 'node:fs/promises';
import { Agent } from 'node:http';
import { expect } from 'chai';
import fc from 'fast-check';
import clientSessions from 'client-sessions';
import { userFileShape, usernameKey } from '../../server/users/user.ts';
import { call, cookieish, credentials, route, sessionSet, type Call } from '../support/fuzz-requests.ts';
import { listen, send, type Listening } from '../support/raw-http.ts';
import { alice, loginAs, removeTestApp, testApp, type TestApp } from '../support/test-app.ts';

// Seeded and bounded: the same few thousand requests on every run, in CI too. A failure
// prints the counterexample and the seed, so it replays exactly.
const seed = 20_240_611;
const anonymousRuns = 1_500;
const authenticatedRuns = 500;

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
