import { expect } from 'chai';
import { freePort, skipUnlessAvailable } from '../support/outage.ts';
import { hasMemcached, memcachedClient, startOwnMemcached, type OwnMemcached } from '../support/memcached.ts';
import { loginAs, removeTestApp, testApp, type TestApp, withCookie } from '../support/test-app.ts';
import { dumpKeys } from '../../server/sessions/server-side/memcached-dump.ts';

// What Memcached holds for a session, and what a request costs it, counted by Memcached
// itself (`stats`): on a memcached of this spec's own, so nobody else's commands count.
describe('the session in Memcached', function () {
  this.timeout(20_000);
  let memcached: OwnMemcached | undefined;
  let lab: TestApp | undefined;
  const namespace = 'cl_spec_records';

  before(
    skipUnlessAvailable(async () => (hasMemcached() ? null : 'no memcached binary to start one of its own')),
  );
  beforeEach(async () => {
    memcached = await startOwnMemcached(await freePort());
    lab = await testApp({
      SESSION_STORE: 'memcached',
      MEMCACHED_SERVERS: memcached.servers,
      SESSION_NAMESPACE: namespace,
    });
  });
  afterEach(async () => {
    if (lab) await removeTestApp(lab);
    await memcached?.stop();
  });

  const me = (cookie: string) => withCookie(lab!, cookie).get('/api/me');

  it('is one key, <namespace>:sess:<id>, holding the record as JSON: no password, the session version', async () => {
    const cookie = await loginAs(lab!);
    const sid = /^s:([^.]+)\./.exec(decodeURIComponent(cookie))![1]!;
    expect(await dumpKeys(memcached!.servers, '', 2_000)).to.deep.equal([`${namespace}:sess:${sid}`]);
    const client = memcachedClient(memcached!.servers);
    const { value } = await client.get(`${namespace}:sess:${sid}`);
    client.close();
    const record = JSON.parse(value!.toString()) as Record<string, unknown>;
    expect(record).to.include({ username: 'alice', version: 0 });
    expect(record).to.have.keys('cookie', 'userId', 'username', 'version', 'issuedAt', 'lastSeenAt');
  });

  it('expires the record with the session, relative up to 30 days and as a Unix time beyond (Memcached’s rule)', async () => {
    const sidOf = (cookie: string) => /^s:([^.]+)\./.exec(decodeURIComponent(cookie))![1]!;
    /** Memcached's seconds left for the record, and the seconds its session has left. */
    async function lifeOf(cookie: string): Promise<[number, number]> {
      const key = `${namespace}:sess:${sidOf(cookie)}`;
      const client = memcachedClient(memcached!.servers);
      const { value } = await client.get(key);
      client.close();
      const expires = Date.parse(
        (JSON.parse(value!.toString()) as { cookie: { expires: string } }).cookie.expires,
      );
      return [await memcached!.secondsLeft(key), (expires - Date.now()) / 1000];
    }
    // Whole seconds on both sides, read a moment apart: equal within a second.
    const [short, shortSession] = await lifeOf(await loginAs(lab!));
    expect(shortSession, 'the default idle window, 1,800 s, ends first').to.be.within(1_790, 1_800);
    expect(short).to.be.within(shortSession - 1, shortSession + 1);

    await removeTestApp(lab!);
    const days40 = String(40 * 24 * 60 * 60);
    lab = await testApp({
      SESSION_STORE: 'memcached',
      MEMCACHED_SERVERS: memcached!.servers,
      SESSION_NAMESPACE: namespace,
      SESSION_TTL_SECONDS: days40,
      SESSION_IDLE_SECONDS: days40,
    });
    const [long, longSession] = await lifeOf(await loginAs(lab));
    expect(longSession).to.be.within(Number(days40) - 10, Number(days40));
    // As a Unix time: the app's second rounded down, the time left rounded up, and
    // Memcached's own second clock: within 2 s.
    expect(long).to.be.within(longSession - 2, longSession + 2);
  });

  it("counts one namespace's keys with the LRU crawler, even four counts at once (it answers BUSY to all but one)", async () => {
    const client = memcachedClient(memcached!.servers);
    for (let i = 0; i < 5_000; i += 500) {
      await Promise.all(
        Array.from({ length: 500 }, (_, j) => client.set(`${namespace}:sess:${i + j}`, 'x', {})),
      );
    }
    await client.set('another_app:sess:1', 'x', {});
    client.close();
    const counts = await Promise.all(Array.from({ length: 4 }, () => lab!.deps.store.storedSessions()));
    // Not a snapshot: memcached's LRU maintainer moves items between the lists the crawler
    // walks, so a dump can miss one moved meanwhile (seen once: 19,999 of 20,000 keys).
    for (const count of counts) expect(count).to.be.within(4_990, 5_000);
  });

  it('writes nothing for a read: 20 GET /api/me, no set and no touch, until a quarter of the idle window', async () => {
    const cookie = await loginAs(lab!);
    const [sets, touches] = [await memcached!.stat('cmd_set'), await memcached!.stat('cmd_touch')];
    for (let i = 0; i < 20; i++) expect(await me(cookie)).to.have.status(200);
    // 1 ms before a quarter of the 1,800 s idle window: still nothing to write.
    lab!.clock.advance(449.999);
    expect(await me(cookie)).to.have.status(200);
    expect(await memcached!.stat('cmd_set'), 'no set for 21 reads').to.equal(sets);
    expect(await memcached!.stat('cmd_touch'), 'no touch either').to.equal(touches);
    lab!.clock.advance(0.001);
    expect(await me(cookie)).to.have.status(200);
    expect(await memcached!.stat('cmd_set'), 'one rewrite at the quarter').to.equal(sets + 1);
    expect(await me(cookie)).to.have.status(200);
    expect(await memcached!.stat('cmd_set'), 'and none after it').to.equal(sets + 1);
  });
});
