import { expect } from 'chai';
import { forEveryStore } from './support/stores.ts';
import { alice, removeTestApp, request, testApp, type TestApp } from './support/test-app.ts';

forEveryStore('bad input gets a clear JSON error, never a 500', (store) => {
  let lab: TestApp;
  before(async () => {
    lab = await testApp(store.env());
    await request.execute(lab.app).post('/api/register').send(alice);
  });
  after(async () => lab && removeTestApp(lab));

  const post = (path: string) => request.execute(lab.app).post(path);

  function expectError(res: ChaiHttp.Response, status: number, code: string): void {
    expect(res, JSON.stringify(res.body)).to.have.status(status);
    expect(res.headers['content-type']).to.match(/^application\/json/);
    expect(res.body.error).to.equal(code);
    // A sentence a person can act on, never a stack.
    expect(res.body.message)
      .to.be.a('string')
      .with.length.above(10)
      .and.not.match(/at .*\.ts:\d+/);
  }

  it('answers a route that needs a session, asked without one, with 401 not_authenticated', async () => {
    expectError(await request.execute(lab.app).get('/api/me'), 401, 'not_authenticated');
  });

  it('answers malformed JSON with 400 invalid_json', async () => {
    const res = await post('/api/login')
      .set('Content-Type', 'application/json')
      .send('{"username": "alice",');
    expectError(res, 400, 'invalid_json');
  });

  // Valid JSON, but not the object every route takes: refused by the parser, before a route reads it.
  for (const body of ['"alice"', '42', 'null']) {
    it(`answers a body of ${body} with 400 invalid_json`, async () => {
      expectError(
        await post('/api/login').set('Content-Type', 'application/json').send(body),
        400,
        'invalid_json',
      );
    });
  }

  it('answers wrong types with 400 invalid_request naming the field', async () => {
    const res = await post('/api/register').send({ username: 42, password: 'long enough pw' });
    expectError(res, 400, 'invalid_request');
    expect(res.body.message).to.match(/^username/);
  });

  it('answers missing fields with 400', async () => {
    expectError(await post('/api/login').send({ username: 'alice' }), 400, 'invalid_request');
  });

  it('answers a JSON body that is not an object with 400', async () => {
    expectError(await post('/api/login').send([1, 2]), 400, 'invalid_request');
  });

  it('answers bodies over 10 KB with 413', async () => {
    const res = await post('/api/register').send({ username: 'bob', password: 'x'.repeat(11 * 1024) });
    expectError(res, 413, 'body_too_large');
  });

  it('answers a body that is not JSON with 415', async () => {
    const res = await post('/api/login').set('Content-Type', 'text/plain').send('username=alice');
    expectError(res, 415, 'unsupported_media_type');
  });

  it('answers a JSON body in another charset than UTF-8 with 415 unsupported_encoding', async () => {
    const res = await post('/api/login')
      .set('Content-Type', 'application/json; charset=latin1')
      .send('{"username": "alice", "password": "x"}');
    expectError(res, 415, 'unsupported_encoding');
  });

  it('answers a body in a Content-Encoding the server does not inflate with 415 unsupported_encoding', async () => {
    const res = await post('/api/login')
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'x-unknown')
      .send('{"username": "alice", "password": "x"}');
    expectError(res, 415, 'unsupported_encoding');
  });

  it('answers unknown routes with 404', async () => {
    expectError(await request.execute(lab.app).get('/api/nothing'), 404, 'not_found');
  });

  it('answers a method a route does not take with 405 and Allow', async () => {
    const res = await request.execute(lab.app).delete('/api/users');
    expectError(res, 405, 'method_not_allowed');
    expect(res).to.have.header('Allow', 'GET, HEAD, OPTIONS');
  });

  it('refuses GET /api/logout with 405, saying why', async () => {
    const res = await request.execute(lab.app).get('/api/logout');
    expectError(res, 405, 'method_not_allowed');
    expect(res).to.have.header('Allow', 'POST, OPTIONS');
    expect(res.body.message).to.match(/GET must not/);
  });

  it('answers OPTIONS with 204 and Allow', async () => {
    const res = await request.execute(lab.app).options('/api/me');
    expect(res).to.have.status(204);
    expect(res).to.have.header('Allow', 'GET, HEAD, DELETE, OPTIONS');
  });

  describe('login', () => {
    it('answers an unknown user and a wrong password identically', async () => {
      const unknown = await post('/api/login').send({ username: 'mallory', password: 'whatever123' });
      const wrong = await post('/api/login').send({ username: 'alice', password: 'whatever123' });
      expectError(unknown, 401, 'invalid_credentials');
      expect(wrong.status).to.equal(unknown.status);
      expect(wrong.body).to.deep.equal(unknown.body);
      expect(wrong).not.to.have.header('set-cookie');
      expect(unknown).not.to.have.header('set-cookie');
    });

    it('finds the user without regard to case', async () => {
      const res = await post('/api/login').send({ username: 'ALICE', password: alice.password });
      expect(res).to.have.status(200);
      expect(res.body.message).to.equal('Welcome alice!');
    });
  });
});
