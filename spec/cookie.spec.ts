import { expect } from 'chai';
import clientSessions from 'client-sessions';
import signature from 'cookie-signature';
import { forEachStore } from './support/stores.ts';
import {
  alice,
  cookieValue,
  loginAs,
  removeTestApp,
  request,
  setCookieFor,
  testApp,
  type TestApp,
  testSecret,
  withCookie,
} from './support/test-app.ts';

const lifetimes = { SESSION_IDLE_SECONDS: '600', SESSION_TTL_SECONDS: '3600' };

forEachStore('the session cookie', (store) => {
  let lab: TestApp;
  beforeEach(async () => (lab = await testApp(store.env(lifetimes))));
  afterEach(async () => lab && removeTestApp(lab));

  const me = (value: string) => withCookie(lab, value).get('/api/me');

  it('is HttpOnly, SameSite=Lax, Path=/ and expires', async () => {
    const res = await request
      .execute(lab.app)
      .post('/api/register')
      .send(alice)
      .then(() => request.execute(lab.app).post('/api/login').send(alice));
    const line = setCookieFor(res)!;
    const attributes = line.split('; ').slice(1);
    expect(attributes).to.include.members(['Path=/', 'HttpOnly', 'SameSite=Lax']);
    expect(attributes.find((a) => a.startsWith('Expires='))).to.be.a('string');
    expect(attributes, 'not Secure over plain HTTP in development').not.to.include('Secure');
  });

  it('is no session once tampered with', async () => {
    const value = await loginAs(lab);
    const parts = value.split('.');
    const ciphertext = parts[1]!;
    parts[1] = (ciphertext[0] === 'A' ? 'B' : 'A') + ciphertext.slice(1);
    const res = await me(parts.join('.'));
    expect(res).to.have.status(401);
    expect(lab.logs.some((line) => line.includes('rejected: invalid'))).to.equal(true);
  });

  it('is no session once truncated', async () => {
    const value = await loginAs(lab);
    expect(await me(value.slice(0, -10))).to.have.status(401);
    expect(await me(value.slice(0, value.lastIndexOf('.'))), 'without its MAC').to.have.status(401);
  });

  it('is no session when sealed or signed with a foreign secret', async () => {
    const value = await loginAs(lab);
    const res = await me(withForeignSecret(store.kind, value));
    expect(res).to.have.status(401);
    expect(lab.logs.some((line) => line.includes('rejected: invalid'))).to.equal(true);
  });

  it('ends after SESSION_IDLE_SECONDS without use (server-side, whatever Expires says)', async () => {
    let value = await loginAs(lab);
    lab.clock.advance(599);
    const used = await me(value);
    expect(used).to.have.status(200);
    const line = setCookieFor(used);
    if (line) value = cookieValue(line);
    lab.clock.advance(599);
    expect(await me(value), '599 s after the last use').to.have.status(200);
    lab.clock.advance(601);
    const res = await me(value);
    expect(res, '601 s after the last use').to.have.status(401);
    expect(lab.logs.some((line) => line.includes('rejected: expired_idle'))).to.equal(true);
  });

  it('ends after SESSION_TTL_SECONDS however active it is', async () => {
    let value = await loginAs(lab);
    for (let elapsed = 0; elapsed < 3600; elapsed += 300) {
      lab.clock.advance(300);
      const res = await me(value);
      if (elapsed + 300 >= 3600) {
        expect(res, `after ${elapsed + 300} s`).to.have.status(401);
      } else {
        expect(res, `after ${elapsed + 300} s`).to.have.status(200);
        const line = setCookieFor(res);
        if (line) value = cookieValue(line);
      }
    }
    expect(lab.logs.some((line) => line.includes('rejected: expired_absolute'))).to.equal(true);
  });

  it('is re-sent (re-sealed, or its record rewritten) at most once a quarter of the idle window', async () => {
    const value = await loginAs(lab);
    lab.clock.advance(60);
    const early = await me(value);
    expect(early).to.have.status(200);
    expect(setCookieFor(early), 'no Set-Cookie after 60 s of 600').to.equal(undefined);
    lab.clock.advance(100);
    const later = await me(value);
    expect(setCookieFor(later), 'a fresh cookie after 160 s of 600').to.be.a('string');
    // The fresh cookie pushes the idle deadline: 500 s after it, still valid.
    lab.clock.advance(500);
    expect(await me(cookieValue(setCookieFor(later)))).to.have.status(200);
  });
});

describe('the client-sessions cookie [cookie]', () => {
  let lab: TestApp;
  beforeEach(async () => (lab = await testApp(lifetimes)));
  afterEach(async () => removeTestApp(lab));

  it('opens with client-sessions and the secret, and holds an id, the username, a version and the login time only', async () => {
    const value = await loginAs(lab);
    const decoded = clientSessions.util.decode({ cookieName: 'session', secret: testSecret }, value);
    expect(decoded.content).to.have.all.keys('userId', 'username', 'version', 'issuedAt');
    expect(decoded.content).to.include({ username: 'alice', version: 0, issuedAt: lab.clock.ms });
    expect(JSON.stringify(decoded.content)).not.to.include(alice.password);
    expect(JSON.stringify(decoded.content)).not.to.match(/\$2[aby]\$/);
  });

  it('shows nothing readable without the secret', async () => {
    const value = await loginAs(lab);
    const visible = value
      .split('.')
      .map((part) => Buffer.from(part, 'base64url').toString('latin1'))
      .join(' ');
    expect(visible).not.to.include('alice');
    expect(clientSessions.util.decode({ cookieName: 'session', secret: 'another secret' }, value)).to.equal(
      undefined,
    );
  });
});

/** The same session, re-sealed (cookie) or re-signed (server-side id) with a key we never listed. */
function withForeignSecret(kind: string, value: string): string {
  if (kind !== 'cookie') {
    const sid = decodeURIComponent(value).slice(2, decodeURIComponent(value).lastIndexOf('.'));
    return encodeURIComponent('s:' + signature.sign(sid, 'not our secret'));
  }
  const { content, createdAt, duration } = clientSessions.util.decode(
    { cookieName: 'session', secret: testSecret },
    value,
  );
  return clientSessions.util.encode(
    { cookieName: 'session', secret: 'not our secret' },
    content,
    duration,
    createdAt,
  );
}
