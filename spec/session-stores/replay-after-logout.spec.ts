import { expect } from 'chai';
import { forEveryStore } from '../support/stores.ts';
import signature from 'cookie-signature';
import {
  loginAs,
  removeTestApp,
  request,
  testApp,
  type TestApp,
  testSecret,
  withCookie,
} from '../support/test-app.ts';

// Contrast 1. A student copies the session cookie from devtools, logs out, and pastes it
// back. In the cookie store the copy still opens (logout only made this browser forget
// it); in a server-side store logout deleted the record, and the copied id names nothing.
forEveryStore('replay after logout', (store) => {
  const inCookie = store.kind === 'cookie';
  let lab: TestApp;
  beforeEach(async () => (lab = await testApp(store.env())));
  afterEach(async () => lab && removeTestApp(lab));

  const me = (cookie: string) => withCookie(lab, cookie).get('/api/me');
  const replay = async (cookie: string) =>
    (
      await request
        .execute(lab.app)
        .post('/api/lab/replay')
        .send({ cookie: `session=${cookie}` })
    ).body;

  if (inCookie) {
    it('still accepts a cookie copied before logout, until the session version changes', async () => {
      const copied = await loginAs(lab);
      expect(await withCookie(lab, copied).post('/api/logout')).to.have.status(200);
      expect(await me(copied), 'the copy still works').to.have.status(200);
      expect(await replay(copied)).to.deep.equal({ accepted: true, username: 'alice' });
      await withCookie(lab, copied).post('/api/logout/all');
      expect(await replay(copied)).to.deep.equal({ accepted: false, reason: 'revoked' });
    });
  } else {
    it('refuses a cookie copied before logout: the record is gone', async () => {
      const copied = await loginAs(lab);
      expect(await replay(copied), 'valid before logout').to.deep.equal({
        accepted: true,
        username: 'alice',
      });
      const logout = await withCookie(lab, copied).post('/api/logout');
      expect(logout).to.have.status(200);
      expect(await me(copied), 'the copy is dead').to.have.status(401);
      expect(await replay(copied)).to.deep.equal({ accepted: false, reason: 'unknown_session' });
    });

    it('calls a well-signed id the store never issued unknown: the key alone forges nothing', async () => {
      await loginAs(lab);
      const guessed = encodeURIComponent('s:' + signature.sign('a'.repeat(32), testSecret));
      expect(await replay(guessed)).to.deep.equal({ accepted: false, reason: 'unknown_session' });
      expect(await me(guessed)).to.have.status(401);
    });

    it('names expiry in the replay lab while the record is still stored', async () => {
      const copied = await loginAs(lab);
      lab.clock.advance(1801);
      expect(await replay(copied)).to.deep.equal({ accepted: false, reason: 'expired_idle' });
    });
  }

  it('calls a value that was never one of our cookies invalid, an empty one too', async () => {
    expect(await replay('nonsense')).to.deep.equal({ accepted: false, reason: 'invalid' });
    expect(await replay('')).to.deep.equal({ accepted: false, reason: 'invalid' });
    const copied = await loginAs(lab);
    expect(await replay(copied.slice(0, -3) + 'xyz')).to.deep.equal({ accepted: false, reason: 'invalid' });
  });
});
