import { expect } from 'chai';
import { freePort, healthBecomes, skipUnlessAvailable } from '../support/outage.ts';
import { hasMemcached, startOwnMemcached, type OwnMemcached } from '../support/memcached.ts';
import { alice, loginAs, removeTestApp, request, testApp, type TestApp } from '../support/test-app.ts';

// Memcached killed and restarted while the app runs, on a memcached of this spec's own on a
// free port (the shared one is never touched; a paused one is in store-stall.spec.ts). A
// request that needs a session gets 503 session_store_unavailable, the rest keeps working,
// and the app heals by itself, but with every session gone: Memcached keeps nothing on disk.
describe('losing Memcached while the app runs', function () {
  this.timeout(30_000);
  let port: number;
  let memcached: OwnMemcached | undefined;
  let lab: TestApp | undefined;

  before(
    skipUnlessAvailable(async () => (hasMemcached() ? null : 'no memcached binary to start one of its own')),
  );
  beforeEach(async () => {
    port = await freePort();
    memcached = await startOwnMemcached(port);
    lab = await testApp({ SESSION_STORE: 'memcached', MEMCACHED_SERVERS: memcached.servers });
  });
  afterEach(async () => {
    if (lab) await removeTestApp(lab);
    await memcached?.stop();
  });

  const me = (cookie: string) => request.execute(lab!.app).get('/api/me').set('Cookie', `session=${cookie}`);
  const lostLines = () => lab!.logs.filter((line) => line.includes('memcached session store lost'));

  async function expectUnavailable(cookie: string) {
    for (const [method, url] of [
      ['get', '/api/me'],
      ['get', '/api/session'],
      ['post', '/api/logout'],
    ] as const) {
      const res = await request.execute(lab!.app)[method](url).set('Cookie', `session=${cookie}`);
      expect(res, `${method} ${url}`).to.have.status(503);
      expect(res.body.error).to.equal('session_store_unavailable');
      expect(res).to.have.header('Retry-After');
    }
    expect((await request.execute(lab!.app).post('/api/login').send(alice)).status).to.equal(503);
    const bob = await request
      .execute(lab!.app)
      .post('/api/register')
      .send({ username: 'bob', password: 'bobs password' });
    expect(bob, 'registration needs no session').to.have.status(201);
    const health = await healthBecomes(lab!, 503);
    expect(health.body).to.include({ ok: false, store: 'memcached', reachable: false });
    expect(lostLines(), 'logged once for the whole outage').to.have.length(1);
  }

  it('answers 503 while it is down, logs it once, heals when it is back: with no session left', async () => {
    const cookie = await loginAs(lab!);
    await memcached!.stop();
    await expectUnavailable(cookie);

    memcached = await startOwnMemcached(port);
    expect(await healthBecomes(lab!, 200)).to.have.status(200);
    expect(lab!.logs.filter((line) => line.includes('memcached session store is back'))).to.have.length(1);
    // Memcached keeps nothing on disk: a restart lost every session.
    const after = await request.execute(lab!.app).get('/api/session').set('Cookie', `session=${cookie}`);
    expect(after).to.have.status(401);
    expect(after.body.reason).to.equal('unknown_session');
    expect(await me(await loginAs(lab!))).to.have.status(200);
    expect(lab!.logs.join('\n')).not.to.include('internal_error');
  });
});
