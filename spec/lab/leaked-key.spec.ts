import { expect } from 'chai';
import { forEachStore } from '../support/stores.ts';
import { loginAs, removeTestApp, request, testApp, type TestApp, withCookie } from '../support/test-app.ts';

const bob = { username: 'bob', password: 'bobs password' };

forEachStore('the leaked-key lab', (store) => {
  const inCookie = store.kind === 'cookie';
  let lab: TestApp;
  beforeEach(async () => (lab = await testApp(store.env())));
  afterEach(async () => lab && removeTestApp(lab));

  const post = (path: string, body: object) => request.execute(lab.app).post(path).send(body);
  const me = (value: string) => withCookie(lab, value).get('/api/me');

  it(
    inCookie
      ? 'forges a cookie for an existing user that GET /api/me accepts as that user, no password asked'
      : 'signs an id for a user, and GET /api/me refuses it: the id names no stored session',
    async () => {
      await loginAs(lab, bob);
      const forged = await post('/api/lab/key/forge', { username: 'bob' });
      expect(forged).to.have.status(200);
      expect(forged.body).to.include({ name: 'session', username: 'bob' });
      const res = await me(forged.body.value);
      if (inCookie) {
        expect(res).to.have.status(200);
        expect(res.body).to.include({ username: 'bob' });
      } else {
        expect(res).to.have.status(401);
        expect(res.body).not.to.have.property('reason');
        // Well signed (the key opens it), and still nobody's: no record has that id.
        const decoded = await post('/api/lab/key/decode', { cookie: forged.body.value });
        expect(decoded.body).to.include({ opened: true, format: 'signed-id', keyIndex: 0 });
        expect(decoded.body.sid).to.match(/^[\w-]{32}$/);
      }
    },
  );

  it('forges for existing users only (404 unknown_user)', async () => {
    const res = await post('/api/lab/key/forge', { username: 'nobody' });
    expect(res).to.have.status(404);
    expect(res.body).to.include({ error: 'unknown_user' });
  });

  it(`decodes a pasted cookie with the key (${inCookie ? 'the payload, times as times' : 'the id it signs'})`, async () => {
    const cookie = await loginAs(lab);
    const res = await post('/api/lab/key/decode', { cookie: `session=${cookie}` });
    expect(res).to.have.status(200);
    expect(res.body).to.include({ opened: true, keyIndex: 0, format: inCookie ? 'sealed' : 'signed-id' });
    if (inCookie) {
      expect(res.body.payload).to.include({ username: 'alice' });
      expect(res.body.sealedAt).to.equal(new Date(lab.clock.ms).toISOString());
    } else {
      expect(decodeURIComponent(cookie)).to.match(new RegExp(`^s:${res.body.sid}\\.`));
    }
    // As people paste it: the value devtools shows, or a pair from a Cookie or Set-Cookie
    // line, with the spaces a copy picks up.
    for (const pasted of [cookie, ` ${cookie} `, `  session=${cookie} ; Path=/; HttpOnly`]) {
      const again = await post('/api/lab/key/decode', { cookie: pasted });
      expect(again.body, JSON.stringify(pasted)).to.include({ opened: true });
    }
    expect((await post('/api/lab/key/decode', { cookie: 'not-a-cookie' })).body).to.deep.equal({
      opened: false,
    });
  });

  it('rotates the key in the running server: forged and genuine cookies alike are refused', async () => {
    const genuine = await loginAs(lab);
    const forged = (await post('/api/lab/key/forge', { username: 'alice' })).body.value as string;
    expect((await me(genuine)).status).to.equal(200);
    const rotated = await post('/api/lab/key/rotate', {});
    expect(rotated).to.have.status(200);
    for (const value of [genuine, forged]) {
      expect((await me(value)).status).to.equal(401);
      const session = await withCookie(lab, value).get('/api/session');
      expect(session.body).to.include({ reason: 'invalid' });
    }
    // The new key works: a fresh login is a session again, and the old key decodes nothing.
    expect((await me(await loginAs(lab))).status).to.equal(200);
    expect((await post('/api/lab/key/decode', { cookie: genuine })).body).to.deep.equal({ opened: false });
  });

  it('logout says what it did: the cookie forgotten, or the record deleted; a second logout finds no record', async () => {
    const cookie = await loginAs(lab);
    const res = await withCookie(lab, cookie).post('/api/logout');
    expect(res.body.message).to.equal(
      inCookie
        ? 'Logged out. This browser forgot its session cookie.'
        : 'Logged out. The server deleted this session, so every copy of its cookie is void too.',
    );
    // Again, with the copy: the record is gone, so only the cookie is forgotten, in every store.
    const again = await withCookie(lab, cookie).post('/api/logout');
    expect(again.body.message).to.equal('Logged out. This browser forgot its session cookie.');
  });
});

describe('the leaked-key lab in production, even with LAB_ENABLED=1', () => {
  let lab: TestApp;
  before(
    async () =>
      (lab = await testApp({
        NODE_ENV: 'production',
        LAB_ENABLED: '1',
        TRUST_PROXY: '1',
        SESSION_SECRET: 'p'.repeat(40),
      })),
  );
  after(async () => lab && removeTestApp(lab));

  for (const path of ['/api/lab/key/forge', '/api/lab/key/decode', '/api/lab/key/rotate']) {
    it(`answers 404 for POST ${path}`, async () => {
      const res = await request
        .execute(lab.app)
        .post(path)
        .set('X-Forwarded-Proto', 'https')
        .send({ username: 'alice', cookie: 'x' });
      expect(res).to.have.status(404);
      expect(res.body).to.include({ error: 'not_found' });
    });
  }

  it('says so in the status the page reads, while the replay lab stays on', async () => {
    const res = await request.execute(lab.app).get('/api/session/status').set('X-Forwarded-Proto', 'https');
    expect(res.body).to.include({ labEnabled: true, leakedKeyLab: false, cookieLimit: 4096 });
  });
});
