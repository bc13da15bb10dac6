import { expect } from 'chai';
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
import { forEveryStore } from '../support/stores.ts';

forEveryStore('ending sessions: logout-all, a new password, a deleted account', (store) => {
  let lab: TestApp;
  beforeEach(async () => (lab = await testApp(store.env())));
  afterEach(async () => lab && removeTestApp(lab));

  const as = (cookie: string) => ({
    get: (path: string) => withCookie(lab, cookie).get(path),
    post: (path: string) => withCookie(lab, cookie).post(path),
    put: (path: string) => withCookie(lab, cookie).put(path),
    delete: (path: string) => withCookie(lab, cookie).delete(path),
  });

  it('ends every copy of every cookie of the user on logout-all', async () => {
    const laptop = await loginAs(lab);
    const phone = await loginAs(lab);
    const bob = await loginAs(lab, { username: 'bob', password: 'bobs password' });
    expect(await as(laptop).post('/api/logout/all')).to.have.status(200);
    for (const cookie of [laptop, phone]) {
      const res = await as(cookie).get('/api/me');
      expect(res).to.have.status(401);
    }
    expect(await as(bob).get('/api/me'), 'other users are untouched').to.have.status(200);
    expect(await request.execute(lab.app).post('/api/login').send(alice), 'a new login works').to.have.status(
      200,
    );
  });

  it('ends every other session on a password change, keeping this one', async () => {
    const here = await loginAs(lab);
    const elsewhere = await loginAs(lab);
    const res = await as(here)
      .put('/api/me/password')
      .send({ currentPassword: alice.password, newPassword: 'a brand new secret' });
    expect(res).to.have.status(200);
    expect(await as(elsewhere).get('/api/me')).to.have.status(401);
    expect(await as(cookieValue(setCookieFor(res))).get('/api/me'), 'this browser carries on').to.have.status(
      200,
    );
    const oldLogin = await request.execute(lab.app).post('/api/login').send(alice);
    expect(oldLogin).to.have.status(401);
  });

  it('refuses a password change with the wrong current password or a bad new one', async () => {
    const here = await loginAs(lab);
    const wrong = await as(here)
      .put('/api/me/password')
      .send({ currentPassword: 'not it at all', newPassword: 'a brand new secret' });
    expect(wrong).to.have.status(401);
    expect(wrong.body.error).to.equal('invalid_credentials');
    const short = await as(here)
      .put('/api/me/password')
      .send({ currentPassword: alice.password, newPassword: 'short' });
    expect(short).to.have.status(400);
    expect(short.body.error).to.equal('invalid_password');
    expect(await as(here).get('/api/me'), 'nothing changed').to.have.status(200);
  });

  it('ends every session when the account is deleted, and frees the name', async () => {
    const here = await loginAs(lab);
    const elsewhere = await loginAs(lab);
    expect(await as(here).delete('/api/me').send({ password: 'wrong password' })).to.have.status(401);
    const res = await as(here).delete('/api/me').send({ password: alice.password });
    expect(res).to.have.status(200);
    for (const cookie of [here, elsewhere]) expect(await as(cookie).get('/api/me')).to.have.status(401);
    expect(await request.execute(lab.app).post('/api/login').send(alice)).to.have.status(401);
    expect(await request.execute(lab.app).post('/api/register').send(alice)).to.have.status(201);
  });
});

describe('revocation, the stateless way [cookie]', () => {
  let lab: TestApp;
  beforeEach(async () => (lab = await testApp()));
  afterEach(async () => removeTestApp(lab));

  const as = (cookie: string) => ({
    get: (path: string) => withCookie(lab, cookie).get(path),
    post: (path: string) => withCookie(lab, cookie).post(path),
    put: (path: string) => withCookie(lab, cookie).put(path),
    delete: (path: string) => withCookie(lab, cookie).delete(path),
  });

  it('leaves a copied cookie valid after a plain logout (the lesson: logout only clears this browser)', async () => {
    const copied = await loginAs(lab);
    const logout = await as(copied).post('/api/logout');
    expect(logout).to.have.status(200);
    expect(setCookieFor(logout)).to.match(/^session=; .*Expires=Thu, 01 Jan 1970/);
    expect(await as(copied).get('/api/me'), 'the copy still works').to.have.status(200);
  });

  it('answers the replay lab with the same verdicts', async () => {
    const copied = await loginAs(lab);
    const replay = () =>
      request
        .execute(lab.app)
        .post('/api/lab/replay')
        .send({ cookie: `session=${copied}` });
    await as(copied).post('/api/logout');
    expect((await replay()).body).to.deep.equal({ accepted: true, username: 'alice' });
    await as(copied).post('/api/logout/all');
    expect((await replay()).body).to.deep.equal({ accepted: false, reason: 'revoked' });
    expect(
      (await request.execute(lab.app).post('/api/lab/replay').send({ cookie: 'nonsense' })).body,
    ).to.deep.equal({
      accepted: false,
      reason: 'invalid',
    });
  });
});
