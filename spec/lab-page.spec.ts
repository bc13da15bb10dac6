import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { startListening } from './support/process.ts';
import {
  alice,
  loginAs,
  removeTestApp,
  request,
  setCookieFor,
  testApp,
  type TestApp,
  testSecret,
  withCookie,
} from './support/test-app.ts';

describe('the lab page', () => {
  let lab: TestApp;
  before(async () => (lab = await testApp()));
  after(async () => removeTestApp(lab));

  const get = (path: string) => request.execute(lab.app).get(path);

  it('is served at / as HTML', async () => {
    const res = await get('/');
    expect(res).to.have.status(200);
    expect(res.headers['content-type']).to.match(/^text\/html/);
    expect(res.text).to.include('<title>cookie-lab');
  });

  it('serves its script as JavaScript and its style as CSS', async () => {
    for (const [path, type] of [
      ['/lab.js', /^(text|application)\/javascript/],
      ['/lab/api.js', /^(text|application)\/javascript/],
      ['/lab.css', /^text\/css/],
    ] as const) {
      const res = await get(path);
      expect(res, path).to.have.status(200);
      expect(res.headers['content-type'], path).to.match(type);
    }
  });

  it('has no inline script or style, so a CSP of default-src self can hold', async () => {
    const html = (await get('/')).text;
    expect(html).not.to.match(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(html).not.to.match(/<style/);
    expect(html).not.to.match(/\sstyle=/);
    expect(html).not.to.match(/\son[a-z]+=/);
  });

  it('still answers an unknown /api/* path with a JSON 404', async () => {
    const res = await get('/api/lab.js');
    expect(res).to.have.status(404);
    expect(res.body).to.deep.include({ error: 'not_found' });
  });

  it('answers a missing file or a folder with a JSON 404, never an HTML redirect', async () => {
    for (const path of ['/nothing.png', '/lab', '/lab/']) {
      const res = await get(path);
      expect(res, path).to.have.status(404);
      expect(res.headers['content-type'], path).to.match(/^application\/json/);
    }
  });

  it('serves its files without opening the session: no Set-Cookie on a page load', async () => {
    const cookie = await loginAs(lab);
    // Far enough into the idle window that any request through the session re-seals it.
    lab.clock.advance(lab.config.sessionIdleSeconds / 2);
    const page = await get('/').set('Cookie', `session=${cookie}`);
    expect(setCookieFor(page)).to.equal(undefined);
    const api = await get('/api/me').set('Cookie', `session=${cookie}`);
    expect(setCookieFor(api), 'the API still re-seals').to.match(/^session=/);
  });
});

describe('the lab page from the server process (npm start)', function () {
  this.timeout(20_000);

  it('is at the address the process prints', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cookie-lab-page-'));
    const server = await startListening({ DB_FILE: path.join(dir, 'db.json'), SESSION_SECRET: testSecret });
    try {
      const res = await fetch(server.url + '/');
      expect(res.status).to.equal(200);
      expect(await res.text()).to.include('<script type="module" src="lab.js"></script>');
    } finally {
      server.child.kill('SIGTERM');
      await once(server.child, 'exit');
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('GET /api/session/status', () => {
  let lab: TestApp;
  beforeEach(async () => (lab = await testApp()));
  afterEach(async () => removeTestApp(lab));

  // What the page words its sentences by, besides who you are: the store, the labs, the limit.
  const labFields = { store: 'cookie', labEnabled: true, leakedKeyLab: true, cookieLimit: 4096 };
  const status = (cookie?: string) => {
    const req = request.execute(lab.app).get('/api/session/status');
    return cookie ? req.set('Cookie', `session=${cookie}`) : req;
  };

  it('answers 200 when logged out, so a page can ask without a 401', async () => {
    const res = await status();
    expect(res).to.have.status(200);
    expect(res.body).to.deep.equal({ authenticated: false, ...labFields });
  });

  it('names the user when logged in', async () => {
    const res = await status(await loginAs(lab));
    expect(res.body).to.deep.equal({ authenticated: true, username: alice.username, ...labFields });
  });

  it('says why a cookie that was sent was refused', async () => {
    const cookie = await loginAs(lab);
    await withCookie(lab, cookie).post('/api/logout/all');
    const res = await status(cookie);
    expect(res).to.have.status(200);
    expect(res.body).to.deep.equal({ authenticated: false, reason: 'revoked', ...labFields });
  });

  it('refuses POST with 405', async () => {
    const res = await request.execute(lab.app).post('/api/session/status');
    expect(res).to.have.status(405);
    expect(res).to.have.header('Allow', 'GET, HEAD, OPTIONS');
  });

  it('tells the page that production serves no replay lab without LAB_ENABLED=1', async () => {
    // Behind a TLS proxy: production refuses every API request over plain HTTP.
    const production = await testApp({
      NODE_ENV: 'production',
      SESSION_SECRET: testSecret,
      TRUST_PROXY: '1',
    });
    try {
      const res = await request
        .execute(production.app)
        .get('/api/session/status')
        .set('X-Forwarded-Proto', 'https');
      expect(res.body).to.deep.equal({
        authenticated: false,
        store: 'cookie',
        labEnabled: false,
        leakedKeyLab: false,
        cookieLimit: 4096,
      });
      expect(
        await request
          .execute(production.app)
          .post('/api/lab/replay')
          .set('X-Forwarded-Proto', 'https')
          .send({ cookie: 'x' }),
      ).to.have.status(404);
    } finally {
      await removeTestApp(production);
    }
  });
});
