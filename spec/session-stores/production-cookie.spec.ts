import { expect } from 'chai';
import { forEachStore } from '../support/stores.ts';
import {
  alice,
  cookieValue,
  removeTestApp,
  request,
  setCookieFor,
  testApp,
  type TestApp,
} from '../support/test-app.ts';

// The same cookie name and flags in every mode: only what the value holds differs.
forEachStore('the session cookie in production, behind a TLS proxy', (store) => {
  let lab: TestApp;
  beforeEach(
    async () =>
      (lab = await testApp(store.env({ NODE_ENV: 'production', TRUST_PROXY: '1', LOG_LEVEL: 'warn' }))),
  );
  afterEach(async () => lab && removeTestApp(lab));

  it('is __Host-session: Secure, HttpOnly, SameSite=Lax, Path=/ and no Domain', async () => {
    const https = { 'X-Forwarded-Proto': 'https' };
    await request.execute(lab.app).post('/api/register').set(https).send(alice);
    const login = await request.execute(lab.app).post('/api/login').set(https).send(alice);
    expect(login).to.have.status(200);
    const line = setCookieFor(login, '__Host-session')!;
    const attributes = line.split('; ').slice(1);
    expect(attributes).to.include.members(['Path=/', 'HttpOnly', 'SameSite=Lax', 'Secure']);
    expect(attributes.some((attribute) => attribute.startsWith('Domain'))).to.equal(false);
    const me = await request
      .execute(lab.app)
      .get('/api/me')
      .set(https)
      .set('Cookie', `__Host-session=${cookieValue(line)}`);
    expect(me).to.have.status(200);
  });
});
