import { expect } from 'chai';
import { forEachStore } from '../support/stores.ts';
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

describe('the headers on the wire, as the lab reports them', () => {
  let lab: TestApp;
  beforeEach(async () => (lab = await testApp()));
  afterEach(async () => lab && removeTestApp(lab));

  it('reports the Cookie header received, in bytes and names only, on the page’s own files too', async () => {
    const cookie = await loginAs(lab);
    const header = `session=${cookie}; theme=dark`;
    for (const path of ['/lab.css', '/lab.js', '/', '/api/me']) {
      const res = await request.execute(lab.app).get(path).set('Cookie', header);
      expect(res.headers['server-timing'], path).to.equal(`cookie;desc=${Buffer.byteLength(header)}`);
      expect(res.headers['x-lab-cookie'], path).to.equal(`session=${cookie.length}; theme=4`);
      expect(JSON.stringify(res.headers), path).not.to.include(cookie);
    }
  });

  it('reports 0 bytes when no cookie was sent', async () => {
    const res = await request.execute(lab.app).get('/lab.css');
    expect(res.headers['server-timing']).to.equal('cookie;desc=0');
    expect(res.headers).not.to.have.property('x-lab-cookie');
    // Nor a Set-Cookie report on an answer that sets no cookie: the page shows "none".
    expect(res.headers).not.to.have.property('set-cookie');
    expect(res.headers).not.to.have.property('x-lab-set-cookie');
  });

  it('reports the Set-Cookie line with its value replaced by its size, and the line’s bytes', async () => {
    await request.execute(lab.app).post('/api/register').send(alice);
    const res = await request.execute(lab.app).post('/api/login').send(alice);
    const line = setCookieFor(res)!;
    const value = line.slice('session='.length, line.indexOf(';'));
    const [reported] = JSON.parse(res.headers['x-lab-set-cookie'] as string) as {
      line: string;
      bytes: number;
    }[];
    expect(reported!.bytes).to.equal(Buffer.byteLength(line));
    expect(reported!.line).to.equal(line.replace(value, `<${value.length} bytes>`));
    expect(res.headers['x-lab-set-cookie']).not.to.include(value);
  });

  it('is not sent where the lab is off (production without LAB_ENABLED=1)', async () => {
    const prod = await testApp({ NODE_ENV: 'production', TRUST_PROXY: '1', SESSION_SECRET: 'p'.repeat(40) });
    try {
      const res = await request
        .execute(prod.app)
        .get('/lab.css')
        .set('X-Forwarded-Proto', 'https')
        .set('Cookie', 'session=x');
      expect(res).to.have.status(200);
      expect(res.headers).not.to.have.property('server-timing');
      expect(res.headers).not.to.have.property('x-lab-cookie');
    } finally {
      await removeTestApp(prod);
    }
  });
});

forEachStore('the silent-drop note and the cookie’s anatomy', (store) => {
  const inCookie = store.kind === 'cookie';
  let lab: TestApp;
  beforeEach(async () => (lab = await testApp(store.env())));
  afterEach(async () => lab && removeTestApp(lab));

  const note = (path: string, cookie: string, text: string) =>
    withCookie(lab, cookie).put(path).send({ text });

  it(
    inCookie
      ? 'sends a Set-Cookie over 4,096 bytes on the lab route, where the notes route answers 413'
      : 'stores any note on either route: the cookie stays an id',
    async () => {
      const cookie = await loginAs(lab);
      const text = 'x'.repeat(3000);
      const guarded = await note('/api/session/notes', cookie, text);
      expect(guarded).to.have.status(inCookie ? 413 : 200);
      const res = await note('/api/lab/notes-over-budget', cookie, text);
      expect(res).to.have.status(200);
      expect(res.body.limit).to.equal(4096);
      const line = setCookieFor(res);
      if (inCookie) {
        expect(Buffer.byteLength(line!)).to.equal(res.body.bytes).and.be.greaterThan(4096);
      } else {
        expect(res.body.bytes).to.be.below(200);
      }
    },
  );

  it('refuses the lab note without a session (401)', async () => {
    const res = await request.execute(lab.app).put('/api/lab/notes-over-budget').send({ text: 'x' });
    expect(res).to.have.status(401);
  });

  it(`shows the cookie’s parts (${inCookie ? 'iv.ciphertext.createdAt.duration.hmac' : 's:id.signature, and the store’s key'}), never the whole value`, async () => {
    const cookie = await loginAs(lab);
    const res = await withCookie(lab, cookie).get('/api/session');
    const anatomy = res.body.cookie;
    expect(anatomy.valueBytes).to.equal(cookie.length);
    expect(JSON.stringify(res.body)).not.to.include(cookie);
    const parts = Object.fromEntries(anatomy.parts.map((part: { name: string }) => [part.name, part]));
    if (inCookie) {
      expect(anatomy.format).to.equal('sealed');
      expect(Object.keys(parts)).to.deep.equal(['iv', 'ciphertext', 'createdAt', 'duration', 'hmac']);
      const [, , createdAt, duration] = cookie.split('.');
      expect(parts.createdAt).to.deep.equal({
        name: 'createdAt',
        bytes: createdAt!.length,
        shown: createdAt,
        whole: true,
      });
      expect(parts.duration).to.include({ shown: duration, whole: true });
      expect(Number(createdAt)).to.equal(lab.clock.ms);
      const [iv, ciphertext, , , hmac] = cookie.split('.');
      expect(parts.iv).to.deep.equal({ name: 'iv', bytes: 22, shown: `${iv!.slice(0, 8)}…`, whole: false });
      expect(parts.ciphertext).to.include({
        bytes: ciphertext!.length,
        shown: `${ciphertext!.slice(0, 8)}…`,
      });
      expect(parts.hmac).to.deep.equal({
        name: 'hmac',
        bytes: 43,
        shown: `${hmac!.slice(0, 8)}…`,
        whole: false,
      });
      expect(anatomy.storeKey).to.equal(null);
      expect(res.body.record).to.equal(null);
    } else {
      expect(anatomy.format).to.equal('signed-id');
      expect(Object.keys(parts)).to.deep.equal(['prefix', 'id', 'signature']);
      const sid = decodeURIComponent(cookie).slice(2).split('.')[0]!;
      expect(parts.prefix).to.deep.equal({ name: 'prefix', bytes: 2, shown: 's:', whole: true });
      expect(parts.id).to.include({ bytes: sid.length, whole: false, shown: `${sid.slice(0, 8)}…` });
      const signature = decodeURIComponent(cookie).slice(`s:${sid}.`.length);
      expect(parts.signature).to.deep.equal({
        name: 'signature',
        bytes: signature.length,
        shown: `${signature.slice(0, 8)}…`,
        whole: false,
      });
      expect(anatomy.storeKey)
        .to.include(`${sid.slice(0, 8)}…`)
        .and.not.include(sid);
      expect(res.body.record).to.include({ username: 'alice' });
      expect(res.body.record.cookie).to.include({ httpOnly: true, path: '/' });
    }
  });

  if (inCookie) {
    it('shows createdAt and duration whole, however long: they are readable by anyone anyway', async () => {
      await removeTestApp(lab);
      // 100,000 s: a duration of 9 digits, one more than the shortened parts show.
      lab = await testApp({ ...store.env(), SESSION_TTL_SECONDS: '100000', SESSION_IDLE_SECONDS: '100000' });
      const cookie = await loginAs(lab);
      const res = await withCookie(lab, cookie).get('/api/session');
      const duration = res.body.cookie.parts.find((part: { name: string }) => part.name === 'duration');
      expect(duration).to.deep.equal({ name: 'duration', bytes: 9, shown: '100000000', whole: true });
    });
  }
});
