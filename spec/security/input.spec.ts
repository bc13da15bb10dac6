import { connect } from 'node:net';
import { expect } from 'chai';
import { listen, send, type Listening } from '../support/raw-http.ts';
import {
  alice,
  loginAs,
  removeTestApp,
  request,
  testApp,
  type TestApp,
  withCookie,
} from '../support/test-app.ts';

describe('security: hostile input', () => {
  let lab: TestApp;
  beforeEach(async () => (lab = await testApp()));
  afterEach(async () => removeTestApp(lab));

  for (const username of ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString']) {
    it(`treats the username ${username} like any other string`, async () => {
      const password = 'a fine password';
      const unknown = await request.execute(lab.app).post('/api/login').send({ username, password });
      expect(unknown, 'unknown before registering').to.have.status(401);
      const registered = await request.execute(lab.app).post('/api/register').send({ username, password });
      expect(registered).to.have.status(201);
      expect(registered.body.username).to.equal(username);
      const again = await request.execute(lab.app).post('/api/register').send({ username, password });
      expect(again).to.have.status(409);
      const cookie = await loginAs(lab, { username, password });
      const me = await withCookie(lab, cookie).get('/api/me');
      expect(me.body.username).to.equal(username);
      const users = await withCookie(lab, cookie).get('/api/users');
      expect(users.body.map((user: { username: string }) => user.username)).to.deep.equal([username]);
      expect(Object.prototype).not.to.have.property('polluted');
    });
  }

  it('lets no body pollute Object.prototype', async () => {
    await request.execute(lab.app).post('/api/register').send(alice);
    const bodies = [
      `{"username":"alice","password":"${alice.password}","__proto__":{"polluted":"yes"}}`,
      `{"username":"alice","password":"${alice.password}","constructor":{"prototype":{"polluted":"yes"}}}`,
      `{"__proto__":{"polluted":"yes"},"username":{"__proto__":{"polluted":"yes"}},"password":"x"}`,
    ];
    const statuses: number[] = [];
    for (const body of bodies) {
      const res = await request
        .execute(lab.app)
        .post('/api/login')
        .set('Content-Type', 'application/json')
        .send(body);
      statuses.push(res.status);
    }
    expect(statuses).to.deep.equal([200, 200, 400]);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    expect(Object.prototype).not.to.have.property('polluted');
  });

  it('answers a body that does not inflate under its Content-Encoding with 400, not 500', async () => {
    const res = await request
      .execute(lab.app)
      .post('/api/login')
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'gzip')
      .send(JSON.stringify(alice));
    expect(res).to.have.status(400);
    expect(res.body).to.deep.equal({ error: 'bad_request', message: 'The request body could not be read.' });
  });

  describe('cookie headers', () => {
    let server: Listening;
    beforeEach(async () => (server = await listen(lab.app)));
    afterEach(async () => server.close());

    const me = (cookie: string | string[]) =>
      send(server.port, { method: 'GET', path: '/api/me', headers: { Cookie: cookie } });

    it("survives a Cookie header just under Node's 16 KB limit", async () => {
      const res = await me(`session=${'A'.repeat(15_000)}`);
      expect(res.status).to.equal(401);
      expect(JSON.parse(res.text).error).to.equal('not_authenticated');
    });

    it('survives hundreds of cookies and repeated Cookie headers, reading the first session cookie', async () => {
      const cookie = await loginAs(lab);
      const many = Array.from({ length: 500 }, (_, i) => `c${i}=${i}`).join('; ');
      expect((await me(`${many}; session=${cookie}`)).status).to.equal(200);
      expect((await me([`session=${cookie}`, 'session=forged', `session=${cookie}`])).status).to.equal(200);
      expect((await me(['session=forged', `session=${cookie}`])).status).to.equal(401);
      expect((await me(['session=', 'session=.....', 'session=a.b.c.d.e'])).status).to.equal(401);
    });

    it('answers headers over 16 KB with 431 in the JSON error shape', async () => {
      const res = await me(`session=${'A'.repeat(20_000)}`);
      expect(res.status).to.equal(431);
      expect(res.headers['content-type']).to.match(/^application\/json/);
      expect(JSON.parse(res.text)).to.include({ error: 'headers_too_large' });
      expect((await me('session=still-answering')).status, 'the server is still up').to.equal(401);
    });

    it('answers a request that is not HTTP with 400 in the JSON error shape', async () => {
      const reply = await new Promise<string>((resolve, reject) => {
        let text = '';
        const socket = connect(server.port, '127.0.0.1', () => socket.write('HELLO\r\n\r\n'));
        socket.on('data', (chunk) => (text += chunk.toString()));
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
      });
      expect(reply).to.match(/^HTTP\/1\.1 400 Bad Request\r\n/);
      expect(JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4)).error).to.equal('bad_request');
    });
  });
});
