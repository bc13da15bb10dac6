import { expect } from 'chai';
import { forEachStore } from '../support/stores.ts';
import {
  alice,
  loginAs,
  removeTestApp,
  request,
  setCookieFor,
  testApp,
  type TestApp,
  withCookie,
} from '../support/test-app.ts';

const idleMs = 600_000;
const ttlMs = 3_600_000;

/** A Set-Cookie line's Expires, in ms; an HTTP date has whole seconds. */
const expiresOf = (line: string) => Date.parse(/; Expires=([^;]+)/i.exec(line)![1]!);
const whole = (ms: number) => Math.floor(ms / 1000) * 1000;

// Every deadline at the millisecond it falls, and the millisecond before: a comparison
// turned from >= into >, or a quarter into an eighth, moves one of these answers.
forEachStore('session deadlines, to the millisecond', (store) => {
  let lab: TestApp;
  let loginAt: number;
  beforeEach(async () => {
    lab = await testApp(store.env({ SESSION_IDLE_SECONDS: '600', SESSION_TTL_SECONDS: '3600' }));
    loginAt = lab.clock.ms;
  });
  afterEach(async () => lab && removeTestApp(lab));

  const at = (ms: number, value: string) => {
    lab.clock.ms = loginAt + ms;
    return withCookie(lab, value).get('/api/session');
  };

  it('re-sends the cookie from a quarter of the idle window on, not a millisecond earlier', async () => {
    const value = await loginAs(lab);
    if (store.kind === 'cookie') {
      const login = await request.execute(lab.app).post('/api/login').send(alice);
      expect(expiresOf(setCookieFor(login)!), 'the idle deadline, first').to.equal(whole(loginAt + idleMs));
    }
    const before = await at(idleMs / 4 - 1, value);
    expect(before).to.have.status(200);
    expect(setCookieFor(before), '1 ms before the quarter').to.equal(undefined);
    const quarter = await at(idleMs / 4, value);
    expect(quarter).to.have.status(200);
    expect(setCookieFor(quarter), 'at the quarter').to.be.a('string');
  });

  it('ends an idle session at its idle deadline exactly, not a millisecond earlier', async () => {
    const value = await loginAs(lab);
    expect(await at(idleMs - 1, value)).to.have.status(200);
    lab.clock.ms = loginAt; // a second session, logged in at the same time
    const other = await loginAs(lab);
    const expired = await at(idleMs, other);
    expect(expired).to.have.status(401);
    expect(expired.body.reason).to.equal('expired_idle');
  });

  it('ends a session at its absolute deadline exactly, however active, not a millisecond earlier', async () => {
    let value = await loginAs(lab);
    let lastLine: string | undefined;
    // Active all along: a request every quarter of the idle window keeps the idle deadline away.
    for (let elapsed = idleMs / 4; elapsed < ttlMs; elapsed += idleMs / 4) {
      const res = await at(elapsed, value);
      expect(res, `after ${elapsed} ms`).to.have.status(200);
      const line = setCookieFor(res);
      if (line) value = line.slice(line.indexOf('=') + 1, line.indexOf(';'));
      lastLine = line ?? lastLine;
    }
    if (store.kind === 'cookie') {
      // The last cookie sent, 150 s before the end: its Expires is the absolute deadline,
      // which comes before the idle one. (A server-side store's Expires is express-session's,
      // counted from the real clock, not this spec's.)
      expect(expiresOf(lastLine!)).to.equal(whole(loginAt + ttlMs));
    }
    expect(await at(ttlMs - 1, value)).to.have.status(200);
    const expired = await at(ttlMs, value);
    expect(expired).to.have.status(401);
    expect(expired.body.reason).to.equal('expired_absolute');
  });
});
