import { expect } from 'chai';
import { forEachStore } from '../support/stores.ts';
import {
  alice,
  loginAs,
  removeTestApp,
  request,
  testApp,
  type TestApp,
  withCookie,
} from '../support/test-app.ts';

forEachStore('GET /api/session: what the server read from your cookie', (store) => {
  const inCookie = store.kind === 'cookie';
  let lab: TestApp;
  beforeEach(
    async () =>
      (lab = await testApp(store.env({ SESSION_IDLE_SECONDS: '600', SESSION_TTL_SECONDS: '3600' }))),
  );
  afterEach(async () => lab && removeTestApp(lab));

  const session = (value: string) => withCookie(lab, value).get('/api/session');

  it(`shows the payload, size, budget, deadlines and which key opened it${inCookie ? '' : ' (no budget, no key: only an id travels)'}`, async () => {
    const cookie = await loginAs(lab);
    const res = await session(cookie);
    expect(res).to.have.status(200);
    const issued = lab.clock.ms;
    expect(res.body).to.deep.include({
      store: store.kind,
      budget: inCookie ? 4096 : null,
      keyIndex: inCookie ? 0 : null,
      issuedAt: new Date(issued).toISOString(),
      idleExpiresAt: new Date(issued + 600_000).toISOString(),
      absoluteExpiresAt: new Date(issued + 3_600_000).toISOString(),
    });
    expect(res.body.payload).to.include({ username: 'alice', issuedAt: issued });
    if (inCookie) {
      expect(res.body.payload).to.include({ version: 0 });
      expect(res.body.bytes).to.be.within(200, 600);
    } else {
      expect(res.body.payload).to.include({ lastSeenAt: issued });
      expect(res.body.bytes).to.be.within(100, 200);
    }
  });

  it('shows only your own session: there is no way to name another', async () => {
    const bob = await loginAs(lab, { username: 'bob', password: 'bobs password' });
    await loginAs(lab, alice);
    const res = await withCookie(lab, bob).get('/api/session?username=alice');
    expect(res.body.payload.username).to.equal('bob');
  });

  it('answers 401 without a cookie, with no reason', async () => {
    const res = await request.execute(lab.app).get('/api/session');
    expect(res).to.have.status(401);
    expect(res.body).not.to.have.property('reason');
  });

  describe('names why a cookie was refused', () => {
    it('invalid: tampered', async () => {
      const cookie = await loginAs(lab);
      const res = await session(cookie.slice(0, -2) + (cookie.endsWith('AA') ? 'BB' : 'AA'));
      expect(res.body).to.include({ error: 'not_authenticated', reason: 'invalid' });
    });

    it('expired_idle', async () => {
      const cookie = await loginAs(lab);
      lab.clock.advance(601);
      expect((await session(cookie)).body.reason).to.equal('expired_idle');
    });

    it('expired_absolute', async () => {
      const cookie = await loginAs(lab);
      lab.clock.advance(3601);
      expect((await session(cookie)).body.reason).to.equal('expired_absolute');
    });

    if (inCookie) {
      it('revoked', async () => {
        const cookie = await loginAs(lab);
        await withCookie(lab, cookie).post('/api/logout/all');
        const res = await session(cookie);
        expect(res.body.reason).to.equal('revoked');
        expect(
          lab.logs.filter((line) => line.includes('session cookie rejected: revoked')),
        ).to.have.length.at.least(1);
      });
    } else {
      it('unknown_session after logout-all: the record is gone, so the id names nothing', async () => {
        const cookie = await loginAs(lab);
        await withCookie(lab, cookie).post('/api/logout/all');
        const res = await session(cookie);
        expect(res).to.have.status(401);
        expect(res.body.reason).to.equal('unknown_session');
      });
    }
  });
});
