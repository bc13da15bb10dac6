import { expect } from 'chai';
import {
  alice,
  loginAs,
  removeTestApp,
  request,
  testApp,
  type TestApp,
  withCookie,
} from '../support/test-app.ts';

describe('security: response headers', () => {
  let lab: TestApp;
  beforeEach(async () => (lab = await testApp()));
  afterEach(async () => removeTestApp(lab));

  const get = (path: string) => request.execute(lab.app).get(path);

  it('sends helmet security headers on every answer, errors included, and no X-Powered-By', async () => {
    for (const res of [await get('/healthz'), await get('/api/nothing'), await get('/api/me')]) {
      const csp = String(res.headers['content-security-policy']);
      expect(csp).to.include("default-src 'self'");
      expect(csp).to.include("script-src 'self'");
      expect(csp).to.include("style-src 'self'");
      expect(csp).to.include("frame-ancestors 'none'");
      expect(csp).to.include("object-src 'none'");
      expect(csp, 'no inline code allowed').not.to.include('unsafe-inline');
      expect(res.headers).to.include({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-resource-policy': 'same-origin',
      });
      expect(res.headers).not.to.have.property('x-powered-by');
    }
  });

  // Our own files and nothing else, every directive spelled out: a directive that went
  // missing would fall back to default-src or, for the four that have none, allow anything.
  const developmentPolicy = [
    "default-src 'self'",
    "script-src 'self'",
    "script-src-attr 'none'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join(';');

  it('sends exactly its content security policy', async () => {
    expect((await get('/healthz')).headers['content-security-policy']).to.equal(developmentPolicy);
  });

  it('lets a cache keep a page file asked without a cookie: no-store only answers a cookie', async () => {
    const page = await get('/');
    expect(page).to.have.status(200);
    expect(page).not.to.have.header('cache-control', 'no-store');
  });

  it('sends HSTS and upgrade-insecure-requests in production only', async () => {
    expect((await get('/healthz')).headers).not.to.have.property('strict-transport-security');
    expect(String((await get('/healthz')).headers['content-security-policy'])).not.to.include(
      'upgrade-insecure',
    );
    const production = await testApp({ NODE_ENV: 'production', BCRYPT_COST: '10' });
    try {
      const res = await request.execute(production.app).get('/healthz');
      expect(res.headers['strict-transport-security']).to.equal('max-age=31536000; includeSubDomains');
      expect(res.headers['content-security-policy']).to.equal(
        `${developmentPolicy};upgrade-insecure-requests`,
      );
    } finally {
      await removeTestApp(production);
    }
  });

  it('marks authenticated answers and the login itself Cache-Control: no-store', async () => {
    const cookie = await loginAs(lab);
    const login = await request.execute(lab.app).post('/api/login').send(alice);
    expect(login).to.have.status(200);
    expect(login).to.have.header('cache-control', 'no-store');
    const failed = await request
      .execute(lab.app)
      .post('/api/login')
      .send({ ...alice, password: 'wrong guess 1' });
    expect(failed).to.have.header('cache-control', 'no-store');
    for (const path of ['/api/me', '/api/users', '/healthz']) {
      const res = await get(path).set('Cookie', `session=${cookie}`);
      expect(res, path).to.have.header('cache-control', 'no-store');
    }
  });

  it('sends Clear-Site-Data: "cookies" on logout and on logout everywhere', async () => {
    const cookie = await loginAs(lab);
    const logout = await withCookie(lab, cookie).post('/api/logout');
    expect(logout).to.have.status(200);
    expect(logout).to.have.header('clear-site-data', '"cookies"');
    const all = await withCookie(lab, cookie).post('/api/logout/all');
    expect(all).to.have.status(200);
    expect(all).to.have.header('clear-site-data', '"cookies"');
  });
});
