import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import { createClient } from 'redis';
import {
  forEachStore,
  memcachedKeys,
  redisKeys,
  serverSideKinds,
  specRedisUrl,
  sql,
} from '../support/stores.ts';
import {
  alice,
  loginAs,
  removeTestApp,
  request,
  testApp,
  type TestApp,
  withCookie,
} from '../support/test-app.ts';

const bob = { username: 'bob', password: 'bobs password' };

// Contrast 5. What a server-side store holds: one record per logged-in browser, deleted
// at logout, at logout-all (every one of the user's, nobody else's) and at expiry, by the
// store itself: Redis and Memcached through each key's expiry, memory and PostgreSQL
// through their prune. Memcached cannot find a user's records at logout-all: they stay,
// revoked by the user's session version, until each is read (and deleted) or expires.
forEachStore(
  'store-side state',
  (store) => {
    let lab: TestApp;
    let namespace: string;
    afterEach(async () => lab && removeTestApp(lab));

    async function start(env: Record<string, string> = {}) {
      const selected = store.env(env);
      namespace = selected.SESSION_NAMESPACE!;
      lab = await testApp(selected);
    }

    /** The records as the app counts them, checked against the service itself where there is one. */
    async function records(): Promise<number> {
      const counted = (await lab.deps.store.storedSessions())!;
      if (store.kind === 'redis') expect(await redisKeys(namespace, 'sess:*')).to.have.length(counted);
      if (store.kind === 'memcached') expect(await memcachedKeys(namespace, 'sess:')).to.have.length(counted);
      if (store.kind === 'postgres') {
        const [row] = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${namespace}_sessions`);
        expect(row!.n).to.equal(counted);
      }
      return counted;
    }

    const post = (path: string, cookie: string) => withCookie(lab, cookie).post(path);

    it('holds exactly one record per login, and none after logout', async () => {
      await start();
      expect(await records()).to.equal(0);
      await request.execute(lab.app).post('/api/register').send(alice);
      const failed = await request
        .execute(lab.app)
        .post('/api/login')
        .send({ ...alice, password: 'wrong one' });
      expect(failed).to.have.status(401);
      expect(await records(), 'no record for a failed login or a visitor').to.equal(0);
      const cookie = await loginAs(lab);
      expect(await records()).to.equal(1);
      expect(await post('/api/logout', cookie), 'answered after the delete').to.have.status(200);
      expect(await records()).to.equal(0);
      if (store.kind === 'redis') {
        expect(await redisKeys(namespace, 'user:*'), "the user's index forgets the id").to.deep.equal([]);
      }
    });

    const memcached = store.kind === 'memcached';
    it(
      memcached
        ? "revokes every session of the user on logout-all, nobody else's, deleting each record on its next read"
        : "removes every record of the user on logout-all, and nobody else's",
      async () => {
        await start();
        const laptop = await loginAs(lab);
        const phone = await loginAs(lab);
        const tablet = await loginAs(lab);
        const bobs = await loginAs(lab, bob);
        expect(await records()).to.equal(4);
        expect(await post('/api/logout/all', laptop)).to.have.status(200);
        if (memcached) {
          expect(await records(), 'only the laptop record went: Memcached cannot find the others').to.equal(
            3,
          );
          for (const copy of [phone, tablet]) {
            const res = await withCookie(lab, copy).get('/api/session');
            expect(res).to.have.status(401);
            expect(res.body.reason).to.equal('revoked');
          }
        }
        expect(await records()).to.equal(1);
        expect(await withCookie(lab, bobs).get('/api/me')).to.have.status(200);
        // Memcached deletes nothing at logout-all but this browser's record (see above).
        expect(lab.logs.filter((line) => line.includes('logout-all:'))).to.deep.equal([
          `debug logout-all: ${memcached ? 0 : 3} stored session(s) of one user deleted`,
        ]);
        if (store.kind === 'redis') {
          expect(await redisKeys(namespace, 'user:*'), "only bob's index is left").to.have.length(1);
        }
      },
    );

    if (store.kind === 'redis') {
      // A record this app did not write (another app's, in a shared namespace, or an older
      // version's): no session, whichever field it lacks, never a 500 or a half session.
      for (const field of ['userId', 'username', 'version', 'issuedAt', 'lastSeenAt']) {
        it(`calls a record without ${field} an unknown session`, async () => {
          await start();
          const cookie = await loginAs(lab);
          const [key] = await redisKeys(namespace, 'sess:*');
          const client = createClient({ url: specRedisUrl });
          await client.connect();
          try {
            const record = JSON.parse((await client.get(key!))!) as Record<string, unknown>;
            delete record[field];
            await client.set(key!, JSON.stringify(record), { KEEPTTL: true });
          } finally {
            client.destroy();
          }
          const res = await withCookie(lab, cookie).get('/api/session');
          expect(res).to.have.status(401);
          expect(res.body.reason).to.equal('unknown_session');
        });
      }
    }

    it('lets the store delete a record whose time ran out, with no request to trigger it', async function () {
      this.timeout(20_000);
      await start({ SESSION_IDLE_SECONDS: '60', SESSION_TTL_SECONDS: '60', SESSION_PRUNE_SECONDS: '1' });
      const cookie = await loginAs(lab);
      // 57 s into a 60 s life, by the app's clock: the rewrite gives the record 3 s to live.
      lab.clock.advance(57);
      expect(await withCookie(lab, cookie).get('/api/me')).to.have.status(200);
      expect(await records()).to.equal(1);
      if (store.kind === 'redis') {
        const client = createClient({ url: specRedisUrl });
        await client.connect();
        const [key] = await redisKeys(namespace, 'sess:*');
        const record = JSON.parse((await client.get(key!))!) as { cookie: { expires: string } };
        const dropAt = Number(await client.sendCommand(['PEXPIRETIME', key!]));
        client.destroy();
        // The TTL is set in whole seconds, rounded up: Redis drops the record no earlier
        // than the session ends, and less than a second after, however slow this machine.
        expect(dropAt - Date.parse(record.cookie.expires), 'Redis drops it with the session').to.be.within(
          0,
          999,
        );
      }
      let left = 1;
      for (let waited = 0; left > 0 && waited < 12_000; waited += 250) {
        await sleep(250);
        left = (await lab.deps.store.storedSessions())!;
      }
      expect(left, 'gone by itself').to.equal(0);
      expect(await records()).to.equal(0);
    });
  },
  serverSideKinds,
);
