import { expect } from 'chai';
import clientSessions from 'client-sessions';
import {
  cookieValue,
  loginAs,
  removeTestApp,
  setCookieFor,
  testApp,
  type TestApp,
  withCookie,
} from '../support/test-app.ts';

const oldKey = 'old-key-0123456789-0123456789-0123456789';
const newKey = 'new-key-9876543210-9876543210-9876543210';

describe('key rotation', () => {
  let lab: TestApp;
  afterEach(async () => removeTestApp(lab));

  async function cookieSealedWith(
    key: string,
  ): Promise<{ value: string; dir: string; clock: TestApp['clock'] }> {
    const before = await testApp({ SESSION_SECRET: key });
    const value = await loginAs(before);
    await before.close();
    return { value, dir: before.dir, clock: before.clock };
  }

  it('accepts a cookie sealed with an older listed key and re-seals it with the newest', async () => {
    const { value, dir, clock } = await cookieSealedWith(oldKey);
    lab = await testApp({ SESSION_SECRET: `${newKey},${oldKey}` }, { dir, clock });
    const res = await withCookie(lab, value).get('/api/session');
    expect(res).to.have.status(200);
    expect(res.body.keyIndex, 'opened with the second key').to.equal(1);
    const resealed = cookieValue(setCookieFor(res));
    expect(
      clientSessions.util.decode({ cookieName: 'session', secret: newKey }, resealed)?.content,
    ).to.include({
      username: 'alice',
    });
    expect(clientSessions.util.decode({ cookieName: 'session', secret: oldKey }, resealed)).to.equal(
      undefined,
    );
    const next = await withCookie(lab, resealed).get('/api/session');
    expect(next.body.keyIndex).to.equal(0);
    expect(next, 'a newest-key cookie is not re-sealed again').not.to.have.header('set-cookie');
  });

  it('refuses a cookie sealed with a key no longer listed', async () => {
    const { value, dir, clock } = await cookieSealedWith(oldKey);
    lab = await testApp({ SESSION_SECRET: newKey }, { dir, clock });
    const res = await withCookie(lab, value).get('/api/session');
    expect(res).to.have.status(401);
    expect(res.body.reason).to.equal('invalid');
  });

  it('seals new sessions with the first key only', async () => {
    lab = await testApp({ SESSION_SECRET: `${newKey},${oldKey}` });
    const value = await loginAs(lab);
    expect(clientSessions.util.decode({ cookieName: 'session', secret: newKey }, value)).to.be.an('object');
    expect(clientSessions.util.decode({ cookieName: 'session', secret: oldKey }, value)).to.equal(undefined);
  });
});
