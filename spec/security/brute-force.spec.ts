import { expect } from 'chai';
import {
  alice,
  loginAs,
  removeTestApp,
  request,
  testApp,
  type TestApp,
  withCookie,
} from '../support/test-app.ts';

const bob = { username: 'bob', password: 'bob password 1' };

// Small limits so the specs stay fast; the defaults (10 / 100 / 50) are in config.spec.
const limits = {
  LOGIN_FAILURES_PER_ACCOUNT: '3',
  LOGIN_FAILURES_PER_ADDRESS: '5',
  REGISTRATIONS_PER_ADDRESS: '4',
};
const rateLimitHeaders = ['retry-after', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset'];

describe('security: brute-force throttling', () => {
  let lab: TestApp;
  afterEach(async () => removeTestApp(lab));

  async function start(env: Record<string, string> = {}): Promise<void> {
    lab = await testApp({ ...limits, TRUST_PROXY: '1', ...env });
    for (const user of [alice, bob]) {
      await request.execute(lab.app).post('/api/register').set('X-Forwarded-For', '198.51.100.1').send(user);
    }
  }
  const login = (user: { username: string; password: string }, from = '192.0.2.1') =>
    request.execute(lab.app).post('/api/login').set('X-Forwarded-For', from).send(user);
  const wrong = (username = 'alice') => ({ username, password: 'wrong guess 1' });

  function expectThrottled(res: ChaiHttp.Response): void {
    expect(res, JSON.stringify(res.body)).to.have.status(429);
    expect(res.body.error).to.equal('too_many_attempts');
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).to.be.within(1, 3600);
    expect(res.body.retryAfterSeconds).to.equal(retryAfter);
    expect(res.body.message).to.match(
      /^Too many (failed logins for this account|failed logins from your address|registrations from your address); /,
    );
    expect(res.body.message).to.include(`try again in ${retryAfter} seconds.`);
  }

  it('refuses an account with 429 too_many_attempts and Retry-After after 3 failures, from any addresses', async () => {
    await start();
    for (let i = 1; i <= 3; i++) expect(await login(wrong(), `192.0.2.${i}`)).to.have.status(401);
    expectThrottled(await login(wrong(), '192.0.2.4'));
    expectThrottled(await login(alice, '192.0.2.5'));
  });

  it('counts an account without regard to case, and unknown usernames alike', async () => {
    await start();
    for (const username of ['alice', 'ALICE', 'Alice'])
      expect(await login(wrong(username))).to.have.status(401);
    expectThrottled(await login(wrong('aLiCe')));
    for (let i = 1; i <= 3; i++) expect(await login(wrong('nobody'), `192.0.2.${i}`)).to.have.status(401);
    expectThrottled(await login(wrong('nobody'), '192.0.2.9'));
  });

  it('keeps other accounts working while one is throttled', async () => {
    await start();
    for (let i = 1; i <= 4; i++) await login(wrong(), `192.0.2.${i}`);
    expectThrottled(await login(alice, '192.0.2.100'));
    expect(await login(bob, '192.0.2.100')).to.have.status(200);
  });

  it('does not count successful logins', async () => {
    await start();
    for (let i = 0; i < 8; i++) expect(await login(alice), `success ${i + 1}`).to.have.status(200);
    for (let i = 0; i < 3; i++) expect(await login(wrong())).to.have.status(401);
  });

  it("resets the account's count on a successful login", async () => {
    await start();
    for (let i = 0; i < 2; i++) expect(await login(wrong())).to.have.status(401);
    expect(await login(alice)).to.have.status(200);
    for (let i = 0; i < 3; i++)
      expect(await login(wrong()), `failure ${i + 1} after the reset`).to.have.status(401);
    expectThrottled(await login(wrong()));
  });

  it('refuses an address after 5 failures across accounts, while other addresses go on', async () => {
    await start();
    for (let i = 1; i <= 5; i++) expect(await login(wrong(`user${i}`), '203.0.113.9')).to.have.status(401);
    expectThrottled(await login(bob, '203.0.113.9'));
    expect(await login(bob, '203.0.113.10')).to.have.status(200);
  });

  it('ignores X-Forwarded-For without TRUST_PROXY: a client cannot pick a fresh address per guess', async () => {
    await start({ TRUST_PROXY: '' });
    for (let i = 1; i <= 5; i++) expect(await login(wrong(`user${i}`), `203.0.113.${i}`)).to.have.status(401);
    expectThrottled(await login(wrong('user6'), '203.0.113.6'));
  });

  it('refuses a 5th registration from one address in the window, while other addresses go on', async () => {
    await start();
    const register = (n: number, from: string) =>
      request
        .execute(lab.app)
        .post('/api/register')
        .set('X-Forwarded-For', from)
        .send({ username: `user${n}`, password: 'a fine password' });
    for (let n = 1; n <= 4; n++) expect(await register(n, '203.0.113.50')).to.have.status(201);
    expectThrottled(await register(5, '203.0.113.50'));
    expect(await register(5, '203.0.113.51')).to.have.status(201);
  });

  it("does not count a locked account's refusals against the address: no password was checked", async () => {
    await start();
    for (let i = 1; i <= 3; i++) await login(wrong(), `192.0.2.${i}`);
    // Six refusals from one address, over its limit of 5, were no guesses.
    for (let i = 1; i <= 6; i++) expectThrottled(await login(wrong(), '203.0.113.20'));
    for (let i = 1; i <= 5; i++)
      expect(await login(wrong(`user${i}`), '203.0.113.20'), `failure ${i}`).to.have.status(401);
    expectThrottled(await login(wrong('user6'), '203.0.113.20'));
  });

  // Retry-After is the window's remaining whole seconds, rounded up: right after the first
  // counted attempt it is the window itself, to the second.
  it('sets Retry-After to the login window (900 s) and the registration window (3600 s) by default', async () => {
    await start();
    for (let i = 1; i <= 3; i++) await login(wrong(), '192.0.2.1');
    expect((await login(wrong(), '192.0.2.1')).headers['retry-after']).to.equal('900');
    const register = (n: number) =>
      request
        .execute(lab.app)
        .post('/api/register')
        .set('X-Forwarded-For', '203.0.113.60')
        .send({ username: `user${n}`, password: 'a fine password' });
    for (let n = 1; n <= 4; n++) await register(n);
    expect((await register(5)).headers['retry-after']).to.equal('3600');
  });

  it('reads each window from its own variable', async () => {
    await start({ LOGIN_WINDOW_SECONDS: '61', REGISTRATION_WINDOW_SECONDS: '122' });
    for (let i = 1; i <= 3; i++) await login(wrong(), '192.0.2.1');
    expect((await login(wrong(), '192.0.2.1')).headers['retry-after']).to.equal('61');
    const register = (n: number) =>
      request
        .execute(lab.app)
        .post('/api/register')
        .set('X-Forwarded-For', '203.0.113.61')
        .send({ username: `user${n}`, password: 'a fine password' });
    for (let n = 1; n <= 4; n++) await register(n);
    expect((await register(5)).headers['retry-after']).to.equal('122');
  });

  it('puts rate-limit headers on 429 answers only', async () => {
    await start();
    const answers = [await login(alice), await login(wrong()), await login(wrong('nobody'))];
    for (const res of answers) {
      for (const name of rateLimitHeaders)
        expect(res.headers, `${res.status} ${name}`).not.to.have.property(name);
    }
    await login(wrong());
    await login(wrong());
    const throttled = await login(wrong());
    expectThrottled(throttled);
    expect(throttled.headers).to.include({ 'ratelimit-limit': '3', 'ratelimit-remaining': '0' });
  });

  it('lets the account try again once the window has passed', async function () {
    // rate-limiter-flexible reads the real clock, so this one spec waits a 1-second window out.
    await start({ LOGIN_WINDOW_SECONDS: '1' });
    for (let i = 0; i < 3; i++) await login(wrong());
    expectThrottled(await login(alice));
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await login(alice)).to.have.status(200);
  });
});

describe('security: every password check counts toward the login limits', () => {
  let lab: TestApp;
  let cookie: string;
  afterEach(async () => removeTestApp(lab));
  beforeEach(async () => {
    lab = await testApp({ ...limits, TRUST_PROXY: '1' });
    cookie = await loginAs(lab);
  });

  const from = '192.0.2.1';
  const changePassword = (currentPassword: string, address = from) =>
    withCookie(lab, cookie)
      .put('/api/me/password')
      .set('X-Forwarded-For', address)
      .send({ currentPassword, newPassword: 'a brand new password 2' });
  const deleteAccount = (password: string, address = from) =>
    withCookie(lab, cookie).delete('/api/me').set('X-Forwarded-For', address).send({ password });
  const login = (password: string, address = from) =>
    request
      .execute(lab.app)
      .post('/api/login')
      .set('X-Forwarded-For', address)
      .send({ username: alice.username, password });
  const storedHash = async () => (await lab.deps.users.findByUsername(alice.username))!.passwordHash;

  function expectThrottled(res: ChaiHttp.Response): void {
    expect(res, JSON.stringify(res.body)).to.have.status(429);
    expect(res.body.error).to.equal('too_many_attempts');
    expect(Number(res.headers['retry-after'])).to.be.within(1, 900);
  }

  it('answers the 4th wrong current password with 429, and refuses the right one while throttled', async () => {
    const hash = await storedHash();
    for (let i = 1; i <= 3; i++)
      expect(await changePassword(`wrong guess ${i}`), `guess ${i}`).to.have.status(401);
    expectThrottled(await changePassword('wrong guess 4'));
    expectThrottled(await changePassword(alice.password));
    expect(await storedHash(), 'the password did not change').to.equal(hash);
  });

  it('answers the 4th wrong password of an account deletion with 429, and keeps the account', async () => {
    for (let i = 1; i <= 3; i++)
      expect(await deleteAccount(`wrong guess ${i}`), `guess ${i}`).to.have.status(401);
    expectThrottled(await deleteAccount('wrong guess 4'));
    expectThrottled(await deleteAccount(alice.password));
    expect(await lab.deps.users.findByUsername(alice.username)).not.to.equal(undefined);
  });

  it('shares the account count with login: wrong passwords on either route add up', async () => {
    expect(await login('wrong guess 1', '192.0.2.10')).to.have.status(401);
    expect(await changePassword('wrong guess 2', '192.0.2.11')).to.have.status(401);
    expect(await deleteAccount('wrong guess 3', '192.0.2.12')).to.have.status(401);
    expectThrottled(await login(alice.password, '192.0.2.13'));
    expectThrottled(await changePassword(alice.password, '192.0.2.14'));
  });

  it('shares the address count with login: 5 failures across accounts and routes, then 429', async () => {
    for (const username of ['bob', 'carol']) {
      const res = await request
        .execute(lab.app)
        .post('/api/login')
        .set('X-Forwarded-For', from)
        .send({ username, password: 'wrong guess 0' });
      expect(res).to.have.status(401);
    }
    expect(await changePassword('wrong guess 1')).to.have.status(401);
    expect(await deleteAccount('wrong guess 2')).to.have.status(401);
    const res = await request
      .execute(lab.app)
      .post('/api/login')
      .set('X-Forwarded-For', from)
      .send({ username: 'dave', password: 'wrong guess 3' });
    expect(res, '5th failure from the address').to.have.status(401);
    expectThrottled(await changePassword(alice.password));
    expect(await changePassword(alice.password, '192.0.2.2'), 'another address goes on').to.have.status(200);
  });

  it('resets the account count when the current password is right', async () => {
    for (let i = 1; i <= 2; i++) expect(await login(`wrong guess ${i}`)).to.have.status(401);
    expect(await changePassword(alice.password)).to.have.status(200);
    for (let i = 1; i <= 3; i++) expect(await login(`wrong guess ${i}`), `failure ${i}`).to.have.status(401);
  });
});
