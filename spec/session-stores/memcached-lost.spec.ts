import { expect } from 'chai';
import { expectSessionStoreDown, freePort, healthBecomes, skipUnlessAvailable } from '../support/outage.ts';
import { hasMemcached, startOwnMemcached, type OwnMemcached } from '../support/memcached.ts';
import { loginAs, removeTestApp, testApp, type TestApp, withCookie } from '../support/test-app.ts';

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

  const me = (cookie: string) => withCookie(lab!, cookie).get('/api/me');
  const lostLines = () => lab!.logs.filter((line) => line.includes('memcached session store lost'));

  it('answers 503 while it is down, logs it once, heals when it is back: with no session left', async () => {
    const cookie = await loginAs(lab!);
    await memcached!.stop();
    await expectSessionStoreDown(lab!, cookie);
    expect(lostLines(), 'logged once for the whole outage').to.have.length(1);

    memcached = await startOwnMemcached(port);
    expect(await healthBecomes(lab!, 200)).to.have.status(200);
    expect(lab!.logs.filter((line) => line.includes('memcached session store is back'))).to.have.length(1);
    // Memcached keeps nothing on disk: a restart lost every session.
    const after = await withCookie(lab!, cookie).get('/api/session');
    expect(after).to.have.status(401);
    expect(after.body.reason).to.equal('unknown_session');
    expect(await me(await loginAs(lab!))).to.have.status(200);
    expect(lab!.logs.join('\n')).not.to.include('internal_error');
  });
});
