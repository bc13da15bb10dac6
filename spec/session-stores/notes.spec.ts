import { expect } from 'chai';
import { forEachStore } from '../support/stores.ts';
import {
  loginAs,
  removeTestApp,
  setCookieFor,
  testApp,
  type TestApp,
  withCookie,
} from '../support/test-app.ts';

// The other side of the 4 KB budget: a server-side session keeps a note of any length the
// 10 KB body limit lets through, because the note never travels in the cookie.
forEachStore('a long note in the session', (store) => {
  const inCookie = store.kind === 'cookie';
  let lab: TestApp;
  let cookie: string;
  beforeEach(async () => {
    lab = await testApp(store.env());
    cookie = await loginAs(lab);
  });
  afterEach(async () => lab && removeTestApp(lab));

  const putNote = (text: string) => withCookie(lab, cookie).put('/api/session/notes').send({ text });

  it(
    inCookie
      ? 'refuses 5,000 characters with 413 cookie_too_large: the cookie would outgrow 4 KB'
      : 'keeps 10,000 characters (the most the body limit lets through) with no budget at all',
    async () => {
      const res = await putNote('x'.repeat(inCookie ? 5000 : 10_000));
      if (inCookie) {
        expect(res).to.have.status(413);
        expect(res.body.error).to.equal('cookie_too_large');
        return;
      }
      expect(res).to.have.status(200);
      expect(res.body.budget).to.equal(null);
      expect(res).not.to.have.header('X-Session-Budget');
      const session = await withCookie(lab, cookie).get('/api/session');
      expect(session.body.payload.notes).to.have.length(10_000);
      expect(setCookieFor(session), 'nothing new to send').to.equal(undefined);
    },
  );

  it('still refuses a body over 10 KB with 413 body_too_large', async () => {
    const res = await putNote('x'.repeat(11 * 1024));
    expect(res).to.have.status(413);
    expect(res.body.error).to.equal('body_too_large');
  });

  it('forgets the note when it is set to the empty string: the session holds no notes field at all', async () => {
    expect(await putNote('remember me')).to.have.status(200);
    expect((await putNote('')).status).to.equal(200);
    const session = await withCookie(lab, cookie).get('/api/session');
    expect(session.body.payload).not.to.have.property('notes');
  });
});
