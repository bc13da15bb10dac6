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
  withCookie,
} from '../support/test-app.ts';

// Contrast 4. What the cookie carries. The cookie store sends the whole session, sealed;
// a server-side store sends an id and its signature, and nothing about the user at all.
forEachStore('what the cookie carries', (store) => {
  const inCookie = store.kind === 'cookie';
  let lab: TestApp;
  beforeEach(async () => (lab = await testApp(store.env())));
  afterEach(async () => lab && removeTestApp(lab));

  it(
    inCookie
      ? 'carries the sealed session: a Set-Cookie of a few hundred bytes'
      : 'carries only a signed random id: a Set-Cookie of under 200 bytes, the same whatever the session holds',
    async () => {
      const registered = await request.execute(lab.app).post('/api/register').send(alice);
      const login = await request.execute(lab.app).post('/api/login').send(alice);
      const line = setCookieFor(login)!;
      const bytes = Buffer.byteLength(line);
      const value = cookieValue(line);

      const report = await withCookie(lab, value).get('/api/session');
      expect(report.body.bytes, 'GET /api/session reports the bytes that were sent').to.equal(bytes);

      if (inCookie) {
        expect(bytes).to.be.within(200, 600);
        // The server keeps nothing: there is not even a count of sessions to give.
        expect(await lab.deps.store.storedSessions()).to.equal(null);
        return;
      }
      expect(await lab.deps.store.storedSessions(), 'one record, for this login').to.equal(1);
      expect(bytes).to.be.within(140, 200);
      // `s:` + 24 random bytes (base64url) + `.` + HMAC-SHA256 of it (base64): nothing else.
      const [, id, mac] =
        /^s:([A-Za-z0-9_-]{32})\.([A-Za-z0-9+/]{43})$/.exec(decodeURIComponent(value)) ?? [];
      expect(id, 'an id and a MAC').to.be.a('string');
      const visible =
        Buffer.from(id!, 'base64url').toString('latin1') + Buffer.from(mac!, 'base64').toString('latin1');
      for (const secret of ['alice', registered.body.id, alice.password]) {
        expect(decodeURIComponent(value)).not.to.include(secret);
        expect(visible).not.to.include(secret);
      }

      const note = await withCookie(lab, value)
        .put('/api/session/notes')
        .send({ text: 'n'.repeat(5000) });
      expect(note).to.have.status(200);
      expect(note.body.bytes, 'a 5,000-character note costs the cookie nothing').to.equal(bytes);
    },
  );
});
