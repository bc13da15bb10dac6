import { expect } from 'chai';
import { alice, removeTestApp, request, testApp, type TestApp } from '../support/test-app.ts';

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
    expect(res.body.message).to.include(`${retryAfter} seconds`);
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
