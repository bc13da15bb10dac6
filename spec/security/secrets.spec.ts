import { readFile } from 'node:fs/promises';
import { expect } from 'chai';
import {
  alice,
  cookieValue,
  removeTestApp,
  request,
  setCookieFor,
  testApp,
  testSecret,
  type TestApp,
} from '../support/test-app.ts';

type Pending = ReturnType<ReturnType<typeof request.execute>['get']>;

const bob = { username: 'bob', password: 'bob password 1' };
const alicesNewPassword = 'a brand new password';
const guesses = ['wrong guess 1', 'wrong guess 2', 'wrong guess 3', 'wrong guess 4'];

describe('security: no secret in a log line or an answer', () => {
  let lab: TestApp;
  before(async () => (lab = await testApp({ LOG_LEVEL: 'debug', LOGIN_FAILURES_PER_ACCOUNT: '3' })));
  after(async () => removeTestApp(lab));

  it('keeps the key, passwords, hashes and cookie values out of the logs and every body of a whole journey', async () => {
    const answers: ChaiHttp.Response[] = [];
    const cookies: string[] = [];
    const hashes = new Set<string>();
    const call = async (req: Pending): Promise<ChaiHttp.Response> => {
      const res = await req;
      answers.push(res);
      const line = setCookieFor(res);
      if (line && cookieValue(line)) cookies.push(cookieValue(line));
      for (const user of JSON.parse(await readFile(lab.config.dbFile, 'utf8')).users)
        hashes.add(user.passwordHash);
      return res;
    };
    const api = () => request.execute(lab.app);
    const as = (cookie: string | undefined) => (req: Pending) =>
      cookie ? req.set('Cookie', `session=${cookie}`) : req;

    await call(api().post('/api/register').send(alice));
    await call(api().post('/api/register').send(bob));
    await call(api().post('/api/register').send({ username: 'carol', password: 'password1' }));
    await call(
      api()
        .post('/api/register')
        .send({ ...alice, password: 'x'.repeat(80) }),
    );
    await call(api().post('/api/register').send(alice));
    await call(api().post('/api/register').send({ username: 'no good!', password: bob.password }));
    await call(api().post('/api/login').send({ password: bob.password }));
    for (const password of guesses) await call(api().post('/api/login').send({ username: 'bob', password }));
    await call(api().post('/api/login').send({ username: 'nobody', password: bob.password }));
    await call(
      api()
        .post('/api/login')
        .set('Content-Type', 'application/json')
        .send(`{"username":"bob","password":"${bob.password}`),
    );
    await call(api().post('/api/login').set('Origin', 'https://evil.example').send(bob));
    const first = cookieValue(setCookieFor(await call(api().post('/api/login').send(alice))));
    await call(as(first)(api().get('/api/me')));
    await call(as(first)(api().get('/api/users')));
    await call(as(first)(api().put('/api/session/notes')).send({ text: 'a note' }));
    await call(as(first)(api().get('/api/session')));
    await call(
      api()
        .post('/api/lab/replay')
        .send({ cookie: `session=${first}` }),
    );
    await call(
      api()
        .post('/api/lab/replay')
        .send({ cookie: first.slice(0, -4) + 'AAAA' }),
    );
    await call(as(first.slice(0, -4) + 'AAAA')(api().get('/api/me')));
    await call(
      as(first)(api().put('/api/me/password')).send({
        currentPassword: 'wrong guess 5',
        newPassword: alicesNewPassword,
      }),
    );
    const changed = await call(
      as(first)(api().put('/api/me/password')).send({
        currentPassword: alice.password,
        newPassword: alicesNewPassword,
      }),
    );
    const second = cookieValue(setCookieFor(changed));
    await call(as(first)(api().get('/api/me')));
    lab.clock.advance(lab.config.sessionIdleSeconds + 1);
    await call(as(second)(api().get('/api/me')));
    const third = cookieValue(
      setCookieFor(
        await call(
          api()
            .post('/api/login')
            .send({ ...alice, password: alicesNewPassword }),
        ),
      ),
    );
    await call(as(third)(api().delete('/api/me')).send({ password: alice.password }));
    await call(as(third)(api().post('/api/logout')));
    await call(as(third)(api().delete('/api/me')).send({ password: alicesNewPassword }));

    const statuses = answers.map((res) => res.status);
    expect(
      statuses,
      'the journey went through successes, refusals and every kind of failure',
    ).to.include.members([200, 201, 400, 401, 403, 409, 429]);
    const logs = lab.logs.join('\n');
    expect(logs, 'debug lines were captured').to.include('rejected: invalid');
    expect(logs).to.include('rejected: revoked');
    expect(logs).to.include('rejected: expired_idle');

    const bodies = answers.map((res) => res.text).join('\n');
    const otherHeaders = answers
      .map((res) => JSON.stringify({ ...res.headers, 'set-cookie': undefined }))
      .join('\n');
    const secrets: [string, string][] = [
      ['the session secret', testSecret],
      ...[alice.password, bob.password, alicesNewPassword, 'password1', ...guesses].map(
        (password): [string, string] => [`the password ${password}`, password],
      ),
      ...[...hashes].map((hash): [string, string] => [`the hash ${hash.slice(0, 12)}…`, hash.slice(7)]),
      // A whole cookie, and each of its parts (iv, ciphertext, hmac): one is as good as a key to it.
      ...cookies.flatMap((cookie) =>
        [cookie, ...cookie.split('.').filter((part) => part.length >= 16)].map((part): [string, string] => [
          `the cookie part ${part.slice(0, 12)}…`,
          part,
        ]),
      ),
    ];
    expect(cookies.length).to.be.at.least(3);
    expect(hashes.size).to.be.at.least(2);
    for (const [what, secret] of secrets) {
      expect(logs.includes(secret), `${what} in the logs`).to.equal(false);
      expect(bodies.includes(secret), `${what} in a response body`).to.equal(false);
      expect(otherHeaders.includes(secret), `${what} in a response header`).to.equal(false);
    }
    expect(logs, 'no bcrypt hash prefix in the logs').not.to.match(/\$2[aby]\$/);
    expect(bodies, 'no bcrypt hash prefix in a body').not.to.match(/\$2[aby]\$/);
    expect(bodies, 'no stack trace in a body').not.to.match(/at .*\.ts:\d+/);
  });
});
