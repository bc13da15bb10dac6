import { expect } from 'chai';
import { freePort, skipUnlessAvailable } from '../support/outage.ts';
import { hasMemcached, startOwnMemcached, type OwnMemcached } from '../support/memcached.ts';
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

/**
 * Sessions of 10,000-character notes on a memcached with 4 MB of item memory (`-m 4`):
 * measured, the first eviction came at the 283rd session, every run. 320 makes it certain
 * and keeps the spec short; note-less sessions would take about 10,000 (40,000 evicted
 * 29,080).
 */
const sessions = 320;
const noteCharacters = 10_000;

// Memcached is a cache: when its memory is full it evicts the least recently used items,
// live sessions included, by design. The evicted user is simply logged out: a 401 whose
// reason says the store does not know the session, never a 500.
describe('Memcached evicting live sessions when its memory is full', function () {
  this.timeout(60_000);
  let memcached: OwnMemcached | undefined;
  let lab: TestApp | undefined;

  before(
    skipUnlessAvailable(async () => (hasMemcached() ? null : 'no memcached binary to start one of its own')),
  );
  afterEach(async () => {
    if (lab) await removeTestApp(lab);
    await memcached?.stop();
  });

  it(`evicts the oldest of ${sessions} sessions on a 4 MB memcached: their next request is 401 unknown_session`, async () => {
    memcached = await startOwnMemcached(await freePort(), 4);
    lab = await testApp({ SESSION_STORE: 'memcached', MEMCACHED_SERVERS: memcached.servers });
    await request.execute(lab.app).post('/api/register').send(alice);
    const cookies: string[] = [];
    for (let i = 0; i < sessions; i++) {
      const cookie = cookieValue(setCookieFor(await request.execute(lab.app).post('/api/login').send(alice)));
      const note = await withCookie(lab, cookie)
        .put('/api/session/notes')
        .send({ text: 'n'.repeat(noteCharacters) });
      expect(note).to.have.status(200);
      cookies.push(cookie);
    }
    const evictions = await memcached.stat('evictions');
    expect(evictions, 'memcached evicted some').to.be.greaterThan(0);

    const statuses: number[] = [];
    for (const cookie of cookies) {
      const res = await withCookie(lab, cookie).get('/api/session');
      expect(res.status, 'a session is there or unknown, never an error').to.be.oneOf([200, 401]);
      if (res.status === 401)
        expect(res.body).to.include({ error: 'not_authenticated', reason: 'unknown_session' });
      statuses.push(res.status);
    }
    const lost = statuses.filter((status) => status === 401).length;
    expect(lost, 'every eviction was a session').to.equal(evictions);
    // Least recently used first: the lost ones are exactly the oldest.
    expect(statuses.slice(0, lost)).to.deep.equal(Array(lost).fill(401));
    expect(statuses.slice(lost)).to.deep.equal(Array(sessions - lost).fill(200));
    const me = await withCookie(lab, cookies[0]!).get('/api/me');
    expect(me).to.have.status(401);
    expect(lab.logs.join('\n')).not.to.include('internal_error');
  });
});
