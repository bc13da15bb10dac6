import { expect } from 'chai';
import { createCookieCodec, type CookiePayload } from '../../server/sessions/cookie/codec.ts';
import { cacheOpenedCookies } from '../../server/sessions/cookie/opened-cache.ts';
import {
  alice,
  cookieValue,
  loginAs,
  removeTestApp,
  setCookieFor,
  testApp,
  type TestApp,
  testSecret,
  withCookie,
} from '../support/test-app.ts';

// The cookie store remembers cookies it has opened, to skip the decryption next time.
// Whatever it remembers, a cookie it accepted a moment ago must still be refused the
// moment it expires or is revoked, and the memory it takes must stay bounded.
describe('cookie store: a cookie accepted before is still checked every time', () => {
  let lab: TestApp;
  beforeEach(async () => (lab = await testApp({ SESSION_TTL_SECONDS: '900', SESSION_IDLE_SECONDS: '600' })));
  afterEach(async () => removeTestApp(lab));

  const session = (cookie: string) => withCookie(lab, cookie).get('/api/session');
  const me = (cookie: string) => withCookie(lab, cookie).get('/api/me');

  /** Sends the cookie twice, so the second answer came from the remembered opening. */
  async function accepted(cookie: string): Promise<void> {
    expect(await me(cookie)).to.have.status(200);
    expect(await me(cookie)).to.have.status(200);
  }

  it('refuses it once logout-all revoked it elsewhere', async () => {
    const laptop = await loginAs(lab);
    const phone = await loginAs(lab);
    await accepted(phone);
    const all = await withCookie(lab, laptop).post('/api/logout/all');
    expect(all).to.have.status(200);
    const res = await session(phone);
    expect(res).to.have.status(401);
    expect(res.body.reason).to.equal('revoked');
  });

  it('refuses it once the account is deleted from another browser', async () => {
    const laptop = await loginAs(lab);
    const phone = await loginAs(lab);
    await accepted(phone);
    const deleted = await withCookie(lab, laptop).delete('/api/me').send({ password: alice.password });
    expect(deleted).to.have.status(200);
    expect(await me(phone)).to.have.status(401);
  });

  it('refuses it once its idle time has run out', async () => {
    const cookie = await loginAs(lab);
    await accepted(cookie);
    lab.clock.advance(600);
    const res = await session(cookie);
    expect(res).to.have.status(401);
    expect(res.body.reason).to.equal('expired_idle');
  });

  it('refuses it once the absolute lifetime has run out, however active', async () => {
    const first = await loginAs(lab);
    lab.clock.advance(500);
    const resealed = cookieValue(setCookieFor(await me(first)));
    await accepted(resealed);
    lab.clock.advance(450);
    const res = await session(resealed);
    expect(res).to.have.status(401);
    expect(res.body.reason).to.equal('expired_absolute');
  });

  it('refuses a value one character away from an accepted one', async () => {
    const cookie = await loginAs(lab);
    await accepted(cookie);
    // Inside the IV, where every bit of a base64url character counts.
    const swapped = cookie[5] === 'A' ? 'B' : 'A';
    const res = await session(cookie.slice(0, 5) + swapped + cookie.slice(6));
    expect(res).to.have.status(401);
    expect(res.body.reason).to.equal('invalid');
  });
});

describe('cookie store: the codec', () => {
  it('refuses to exist without a key, rather than seal with none', () => {
    expect(() => createCookieCodec('session', [])).to.throw('at least one session secret is needed');
  });
});

describe('cookie store: the memory of opened cookies', () => {
  const codec = createCookieCodec('session', [testSecret]);
  const payload = (n: number, notes?: string): CookiePayload => ({
    userId: `user-${n}`,
    username: `user${n}`,
    version: 0,
    issuedAt: Date.now(),
    ...(notes ? { notes } : {}),
  });
  const seal = (p: CookiePayload) => codec.seal(p, Date.now(), 1_800_000);

  it('holds at most its number of entries, and a forgotten cookie still opens', () => {
    const cache = cacheOpenedCookies(codec, { entries: 5, bytes: 1_000_000 });
    const values = Array.from({ length: 50 }, (_, n) => seal(payload(n)));
    for (const value of values) expect(cache.open(value)?.payload.username).to.match(/^user\d+$/);
    expect(cache.cached).to.equal(5);
    expect(cache.open(values[0]!)?.payload.userId, 'evicted long ago, opened again').to.equal('user-0');
  });

  it('opens a cookie once: the next request with it skips the decryption', () => {
    let opened = 0;
    const counted = { seal: codec.seal, open: (value: string) => (opened++, codec.open(value)) };
    const cache = cacheOpenedCookies(counted, { entries: 5, bytes: 1_000_000 });
    const value = seal(payload(1));
    for (let n = 0; n < 3; n++) expect(cache.open(value)?.payload.username).to.equal('user1');
    expect(opened).to.equal(1);
  });

  it('holds at most its number of bytes: an entry weighs 2 bytes a character of value and note, plus 256', () => {
    // Same-length names, so every value has the same length.
    const values = Array.from({ length: 10 }, (_, n) => seal(payload(10 + n)));
    const weight = 2 * values[0]!.length + 256;
    expect(values.every((value) => value.length === values[0]!.length)).to.equal(true);
    const cache = cacheOpenedCookies(codec, { entries: 1_000, bytes: 3 * weight });
    for (const value of values) cache.open(value);
    expect(cache.cached).to.equal(3);

    const withNotes = cacheOpenedCookies(codec, { entries: 1_000, bytes: 100_000 });
    const noted = Array.from({ length: 90 }, (_, n) => seal(payload(10 + n, 'x'.repeat(2_000))));
    for (const value of noted) withNotes.open(value);
    expect(withNotes.cached).to.equal(Math.floor(100_000 / (2 * (noted[0]!.length + 2_000) + 256)));
  });

  it('never remembers a value that did not open', () => {
    const cache = cacheOpenedCookies(codec, { entries: 5, bytes: 1_000_000 });
    const value = seal(payload(1));
    for (let n = 0; n < 20; n++) expect(cache.open(`${value.slice(0, -2)}${n}x`)).to.equal(undefined);
    expect(cache.cached).to.equal(0);
  });

  it('hands out a frozen opening, so no request can change what the next one reads', () => {
    const cache = cacheOpenedCookies(codec);
    const value = seal(payload(1));
    const opened = cache.open(value)!;
    expect(() => Object.assign(opened.payload, { username: 'mallory' })).to.throw(TypeError);
    expect(cache.open(value)?.payload.username).to.equal('user1');
  });
});
