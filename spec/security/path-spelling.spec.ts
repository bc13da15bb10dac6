import { expect } from 'chai';
import {
  alice,
  loginAs,
  removeTestApp,
  request,
  setCookieFor,
  testApp,
  type TestApp,
  withCookie,
} from '../support/test-app.ts';

// Express matches routes case-insensitively and with or without a trailing slash, and
// collapses nothing else: a guard that tested req.path as a string let `POST /API/login`
// log in over plain HTTP in production. Every guard must hold for every spelling that
// reaches a route; a spelling that reaches none answers the JSON 404.
const routedLogins = ['/api/login', '/API/login', '/api/login/', '/Api/Login', '/API/LOGIN/'];
const unroutedLogins = ['/api//login', '//api/login', '/%61pi/login', '/api/%6cogin', '/api/login//'];
const routedRegisters = ['/Api/Register', '/API/REGISTER/'];

type Answer = ChaiHttp.Response;

function expectNotFound(res: Answer, path: string): void {
  expect(res, `${path}: ${JSON.stringify(res.body)}`).to.have.status(404);
  expect(res.body.error, path).to.equal('not_found');
  expect(res, path).not.to.have.header('set-cookie');
}

describe('security: guards hold whatever the spelling of the path', function () {
  // Production needs bcrypt cost 10: a few hashes at about 60 ms each.
  this.timeout(20_000);
  let lab: TestApp;
  afterEach(async () => removeTestApp(lab));

  it('routes the case and trailing-slash spellings in development, and no other spelling', async () => {
    lab = await testApp();
    await loginAs(lab);
    for (const path of routedLogins) {
      const res = await request.execute(lab.app).post(path).send(alice);
      expect(res, path).to.have.status(200);
    }
    for (const path of unroutedLogins)
      expectNotFound(await request.execute(lab.app).post(path).send(alice), path);
  });

  it('refuses every routed spelling of login and register over plain HTTP in production, storing nothing', async () => {
    lab = await testApp({ NODE_ENV: 'production' });
    for (const path of [...routedLogins, ...routedRegisters]) {
      const res = await request.execute(lab.app).post(path).send(alice);
      expect(res, `${path}: ${JSON.stringify(res.body)}`).to.have.status(403);
      expect(res.body.error, path).to.equal('https_required');
      expect(res, path).not.to.have.header('set-cookie');
    }
    // Under /api, a spelling no route serves is refused as well, before it would be a 404.
    for (const path of unroutedLogins) {
      const res = await request.execute(lab.app).post(path).send(alice);
      expect(res.status, path).to.be.oneOf([403, 404]);
      expect(res, path).not.to.have.header('set-cookie');
    }
    expect(await lab.deps.users.list()).to.have.length(0);
  });

  it('marks every answer of every routed spelling Cache-Control: no-store', async () => {
    lab = await testApp();
    await loginAs(lab);
    for (const path of routedLogins) {
      const ok = await request.execute(lab.app).post(path).send(alice);
      expect(setCookieFor(ok), path).to.be.a('string');
      expect(ok, path).to.have.header('cache-control', 'no-store');
      const failed = await request
        .execute(lab.app)
        .post(path)
        .send({ ...alice, password: 'wrong guess 1' });
      expect(failed, path).to.have.status(401);
      expect(failed, path).to.have.header('cache-control', 'no-store');
    }
    for (const path of ['/API/session/status', '/api/Session/Status/']) {
      const res = await request.execute(lab.app).get(path);
      expect(res, path).to.have.status(200);
      expect(res, path).to.have.header('cache-control', 'no-store');
    }
  });

  it('refuses another origin on every routed spelling', async () => {
    lab = await testApp();
    await loginAs(lab);
    for (const path of [...routedLogins, ...routedRegisters]) {
      const res = await request.execute(lab.app).post(path).set('Origin', 'https://evil.example').send(alice);
      expect(res, path).to.have.status(403);
      expect(res.body.error, path).to.equal('cross_site_request');
      expect(res, path).not.to.have.header('set-cookie');
    }
  });

  it('refuses a body that is not JSON on every routed spelling', async () => {
    lab = await testApp();
    for (const path of [...routedLogins, ...routedRegisters]) {
      const res = await request
        .execute(lab.app)
        .post(path)
        .set('Content-Type', 'text/plain')
        .send('username=alice');
      expect(res, path).to.have.status(415);
      expect(res.body.error, path).to.equal('unsupported_media_type');
    }
  });

  it('reads the session on every routed spelling', async () => {
    lab = await testApp();
    const cookie = await loginAs(lab);
    for (const path of ['/API/me', '/api/ME/', '/Api/Users']) {
      const res = await withCookie(lab, cookie).get(path);
      expect(res, path).to.have.status(200);
    }
  });

  it('keeps the replay lab off in production whatever the spelling, and never reaches the files', async () => {
    lab = await testApp({ NODE_ENV: 'production', TRUST_PROXY: '1' });
    for (const path of ['/api/lab/replay', '/API/LAB/REPLAY', '/api/lab/replay/']) {
      const res = await request
        .execute(lab.app)
        .post(path)
        .set('X-Forwarded-Proto', 'https')
        .send({ cookie: 'x' });
      expectNotFound(res, path);
    }
    // The lab page's own script, asked for under any spelling of /api, is an API 404.
    for (const path of ['/api/lab.js', '/API/lab.js', '/api/../lab.js']) {
      const res = await request.execute(lab.app).get(path).set('X-Forwarded-Proto', 'https');
      expect(res, path).to.have.status(404);
      expect(res.headers['content-type'], path).to.match(/^application\/json/);
    }
  });

  it('answers /healthz in any case over plain HTTP in production, for a load balancer', async () => {
    lab = await testApp({ NODE_ENV: 'production' });
    for (const path of ['/healthz', '/HEALTHZ', '/healthz/']) {
      const res = await request.execute(lab.app).get(path);
      expect(res, path).to.have.status(200);
      expect(res.body.ok, path).to.equal(true);
    }
  });
});
