import { expect } from 'chai';
import signature from 'cookie-signature';
import { forEachStore, serverSideKinds } from '../support/stores.ts';
import {
  alice,
  cookieValue,
  loginAs,
  removeTestApp,
  request,
  setCookieFor,
  testApp,
  type TestApp,
  withCookie,
} from '../support/test-app.ts';

const oldKey = 'old-key-0123456789-0123456789-0123456789';
const newKey = 'new-key-9876543210-9876543210-9876543210';

/** The session id inside a cookie value, and the key that signed it, if one of these did. */
function signedBy(value: string, keys: string[]): { sid: string; key: string } | undefined {
  const raw = decodeURIComponent(value).slice(2);
  for (const key of keys) {
    const sid = signature.unsign(raw, key);
    if (sid) return { sid, key };
  }
  return undefined;
}

forEachStore(
  'the server-side session id',
  (store) => {
    let lab: TestApp | undefined;
    afterEach(async () => lab && removeTestApp(lab));

    const me = (cookie: string) => withCookie(lab!, cookie).get('/api/me');

    it('is a new one at every login (fixation): an id planted before login names nothing after', async () => {
      lab = await testApp(store.env());
      const planted = await loginAs(lab, { username: 'mallory', password: 'mallory password' });
      await request.execute(lab.app).post('/api/register').send(alice);
      const login = await withCookie(lab, planted).post('/api/login').send(alice);
      expect(login).to.have.status(200);
      const fresh = cookieValue(setCookieFor(login));
      expect(decodeURIComponent(fresh)).not.to.equal(decodeURIComponent(planted));
      expect((await me(fresh)).body.username).to.equal('alice');
      expect(await me(planted), 'the planted id was destroyed').to.have.status(401);
      expect(await lab.deps.store.storedSessions()).to.equal(1);
    });

    it('signed with an older listed key is accepted and re-signed with the newest', async () => {
      const env = store.env({ SESSION_SECRET: oldKey });
      const before = await testApp(env);
      const cookie = await loginAs(before);
      await before.close();
      lab = await testApp(
        { ...env, SESSION_SECRET: `${newKey},${oldKey}` },
        { dir: before.dir, clock: before.clock },
      );
      if (store.kind === 'memory')
        return void expect(await me(cookie), 'memory forgot it on restart').to.have.status(401);
      // A second later: the rewrite that re-signs also records the activity.
      lab.clock.advance(1);
      const res = await me(cookie);
      expect(res).to.have.status(200);
      const resigned = cookieValue(setCookieFor(res));
      expect(signedBy(resigned, [newKey, oldKey])).to.deep.equal({
        sid: signedBy(cookie, [oldKey])!.sid,
        key: newKey,
      });
    });

    it('signed with a key no longer listed is invalid', async () => {
      const env = store.env({ SESSION_SECRET: oldKey });
      const before = await testApp(env);
      const cookie = await loginAs(before);
      await before.close();
      lab = await testApp({ ...env, SESSION_SECRET: newKey }, { dir: before.dir, clock: before.clock });
      const res = await withCookie(lab, cookie).get('/api/session');
      expect(res).to.have.status(401);
      expect(res.body.reason).to.equal('invalid');
    });
  },
  serverSideKinds,
);
