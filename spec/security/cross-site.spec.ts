import { createConnection } from 'node:net';
import { expect } from 'chai';
import { listen } from '../support/raw-http.ts';
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

// chai-http sends the real Host header (127.0.0.1:<port>); these specs set their own so
// that "our origin" is a name a reader can see.
const host = 'lab.example:3000';
const ours = `http://${host}`;

describe('security: cross-site requests (CSRF)', () => {
  let lab: TestApp;
  let cookie: string;
  beforeEach(async () => {
    lab = await testApp();
    cookie = await loginAs(lab);
  });
  afterEach(async () => removeTestApp(lab));

  type Method = 'post' | 'put' | 'delete' | 'patch';
  const stateChanging: [Method, string, object][] = [
    ['post', '/api/register', { username: 'bob', password: 'bob password 1' }],
    ['post', '/api/login', alice],
    ['post', '/api/logout', {}],
    ['post', '/api/logout/all', {}],
    ['put', '/api/me/password', { currentPassword: alice.password, newPassword: 'a new password 2' }],
    ['delete', '/api/me', { password: alice.password }],
  ];
  const send = (method: Method, path: string, body: object, headers: Record<string, string>) => {
    const client = request.execute(lab.app);
    return client[method](path).set('Host', host).set('Cookie', `session=${cookie}`).set(headers).send(body);
  };
  const me = () => withCookie(lab, cookie).get('/api/me');

  function expectRefused(res: ChaiHttp.Response): void {
    expect(res, JSON.stringify(res.body)).to.have.status(403);
    expect(res.body.error).to.equal('cross_site_request');
    expect(res.body.message).to.equal(
      "Refused: another site sent this request (Origin or Sec-Fetch-Site says so). Send it from this site's own pages.",
    );
    expect(res).not.to.have.header('set-cookie');
  }

  for (const [method, path, body] of stateChanging) {
    it(`refuses ${method.toUpperCase()} ${path} from another origin with 403 cross_site_request, changing nothing`, async () => {
      expectRefused(await send(method, path, body, { Origin: 'https://evil.example' }));
      expect(await me(), 'the session is untouched').to.have.status(200);
      expect((await lab.deps.users.list()).map((user) => user.username)).to.deep.equal(['alice']);
    });
  }

  it('refuses Sec-Fetch-Site: cross-site when there is no Origin', async () => {
    expectRefused(await send('post', '/api/logout', {}, { 'Sec-Fetch-Site': 'cross-site' }));
    expectRefused(await send('post', '/api/login', alice, { 'Sec-Fetch-Site': 'cross-site' }));
  });

  it('refuses Sec-Fetch-Site: same-site when there is no Origin: a sibling subdomain is another origin', async () => {
    expectRefused(await send('post', '/api/logout', {}, { 'Sec-Fetch-Site': 'same-site' }));
    expectRefused(await send('post', '/api/login', alice, { 'Sec-Fetch-Site': 'same-site' }));
    expect(await me(), 'the session is untouched').to.have.status(200);
  });

  it('refuses a sibling subdomain: same site, but another origin', async () => {
    expectRefused(await send('post', '/api/logout', {}, { Origin: 'http://evil.lab.example:3000' }));
    expectRefused(await send('post', '/api/logout', {}, { Origin: 'https://lab.example:3000' }));
    expectRefused(await send('post', '/api/logout', {}, { Origin: 'http://lab.example:4000' }));
  });

  it('refuses Origin: null (a sandboxed frame, a data: URL) and an Origin that is not a URL', async () => {
    expectRefused(await send('post', '/api/logout', {}, { Origin: 'null' }));
    expectRefused(await send('post', '/api/logout', {}, { Origin: 'not a url' }));
  });

  it('lets same-origin requests through', async () => {
    const login = await send('post', '/api/login', alice, { Origin: ours, 'Sec-Fetch-Site': 'same-origin' });
    expect(login).to.have.status(200);
    expect(setCookieFor(login)).to.be.a('string');
    expect(await send('post', '/api/logout', {}, { Origin: ours })).to.have.status(200);
    expect(await send('post', '/api/logout', {}, { Origin: 'http://LAB.example:3000' })).to.have.status(200);
    expect(await send('post', '/api/logout', {}, { 'Sec-Fetch-Site': 'same-origin' })).to.have.status(200);
  });

  it('lets tools that send neither header through (curl)', async () => {
    expect(await send('post', '/api/login', alice, {})).to.have.status(200);
    expect(await send('post', '/api/logout', {}, {})).to.have.status(200);
  });

  it('does not refuse reads from another origin (they change nothing; CORS keeps the answer from the page)', async () => {
    const res = await request.execute(lab.app).get('/api/me').set('Origin', 'https://evil.example');
    expect(res).to.have.status(401);
  });

  it('ignores X-Forwarded-Host and -Proto without TRUST_PROXY', async () => {
    const forged = {
      Origin: 'https://evil.example',
      'X-Forwarded-Host': 'evil.example',
      'X-Forwarded-Proto': 'https',
    };
    expectRefused(await send('post', '/api/logout', {}, forged));
  });

  it('takes the origin from X-Forwarded-Host and -Proto with TRUST_PROXY, as the browser addressed it', async () => {
    await removeTestApp(lab);
    lab = await testApp({ TRUST_PROXY: '1' });
    const behindProxy = (origin: string) =>
      request
        .execute(lab.app)
        .post('/api/register')
        .set('Host', '127.0.0.1:3000')
        .set('X-Forwarded-Host', 'lab.example')
        .set('X-Forwarded-Proto', 'https')
        .set('Origin', origin)
        .send(alice);
    expectRefused(await behindProxy('http://127.0.0.1:3000'));
    expect(await behindProxy('https://lab.example')).to.have.status(201);
  });

  // HTTP/1.0 may leave out Host. Our origin is then unknown, so no Origin can match it: not
  // even "http://undefined", which is what an origin built from a missing host would spell.
  it('refuses a POST with an Origin and no Host header (HTTP/1.0): our origin is unknown', async () => {
    const server = await listen(lab.app);
    try {
      const socket = createConnection(server.port, '127.0.0.1');
      socket.end(
        'POST /api/logout HTTP/1.0\r\nOrigin: http://undefined\r\n' +
          `Cookie: session=${cookie}\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`,
      );
      let answer = '';
      for await (const chunk of socket) answer += String(chunk);
      expect(answer.split('\r\n')[0]).to.equal('HTTP/1.1 403 Forbidden');
      expect(answer).to.include('"error":"cross_site_request"');
    } finally {
      await server.close();
    }
    expect(await me(), 'the session is untouched').to.have.status(200);
  });
});

describe('security: no state change through GET', () => {
  let lab: TestApp;
  beforeEach(async () => (lab = await testApp()));
  afterEach(async () => removeTestApp(lab));

  it('answers GET /api/logout with 405 and leaves the session as it was', async () => {
    const cookie = await loginAs(lab);
    const res = await withCookie(lab, cookie).get('/api/logout');
    expect(res).to.have.status(405);
    expect(res.body.error).to.equal('method_not_allowed');
    expect(res).to.have.header('Allow', 'POST, OPTIONS');
    expect(res).not.to.have.header('set-cookie');
    expect(await withCookie(lab, cookie).get('/api/me')).to.have.status(200);
  });
});
