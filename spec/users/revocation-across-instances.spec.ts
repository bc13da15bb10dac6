import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import type { PostgresUserRepository } from '../../server/users/postgres.ts';
import { forEachUserStore, sql } from '../support/stores.ts';
import { loginAs, removeTestApp, testApp, type TestApp, withCookie } from '../support/test-app.ts';

// Two cookie-mode instances on one PostgreSQL user table. Each checks a cookie's session
// version against the users it has read, and learns of every change through LISTEN/NOTIFY:
// no database round trip per request, and still no revoked cookie accepted anywhere.
forEachUserStore(
  'revocation that reaches every instance',
  (store) => {
    let one: TestApp | undefined;
    let two: TestApp | undefined;
    afterEach(async () => {
      await Promise.all([one && removeTestApp(one), two && removeTestApp(two)]);
      one = two = undefined;
    });

    const cacheOf = (lab: TestApp) => (lab.deps.users as PostgresUserRepository).cache;
    const until = async (condition: () => boolean, what: string) => {
      for (let waited = 0; !condition(); waited += 10) {
        if (waited > 5_000) throw new Error(`still waiting for ${what}`);
        await sleep(10);
      }
    };
    const session = (lab: TestApp, cookie: string) => withCookie(lab, cookie).get('/api/session');

    async function twoInstances() {
      const env = store.env();
      [one, two] = await Promise.all([testApp(env), testApp(env)]);
      await until(() => cacheOf(one!).trusted && cacheOf(two!).trusted, 'both listeners');
      return [one, two] as const;
    }

    it('refuses on B a cookie logged out everywhere on A, without reading the user on every request', async () => {
      const [a, b] = await twoInstances();
      const cookie = await loginAs(a);
      expect(await session(b, cookie)).to.have.status(200);
      const reads = cacheOf(b).databaseReads;
      for (let i = 0; i < 10; i++) expect(await session(b, cookie)).to.have.status(200);
      expect(cacheOf(b).databaseReads, 'ten requests, no read').to.equal(reads);

      expect(await withCookie(a, cookie).post('/api/logout/all')).to.have.status(200);
      let res = await session(b, cookie);
      for (let waited = 0; res.status === 200 && waited < 1_000; waited += 10) {
        await sleep(10);
        res = await session(b, cookie);
      }
      expect(res).to.have.status(401);
      expect(res.body.reason).to.equal('revoked');
    });

    it('reads the version on every request while its notification connection is down, and trusts it again once back', async () => {
      const [a, b] = await twoInstances();
      const cookie = await loginAs(a);
      expect(await session(b, cookie)).to.have.status(200);

      // Cut both instances' listening connections: a change made now is announced to nobody.
      const table = `${a.config.sessionNamespace}_users`;
      await sql(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, [
        `${table} listener`,
      ]);
      await until(() => !cacheOf(b).trusted, 'B to notice');
      expect(await withCookie(a, cookie).post('/api/logout/all')).to.have.status(200);
      const res = await session(b, cookie);
      expect(res, 'refused at once: B read the version').to.have.status(401);
      expect(res.body.reason).to.equal('revoked');

      await until(() => cacheOf(b).trusted, 'B to listen again');
      const fresh = await loginAs(a);
      expect(await session(b, fresh)).to.have.status(200);
      const reads = cacheOf(b).databaseReads;
      expect(await session(b, fresh)).to.have.status(200);
      expect(cacheOf(b).databaseReads, 'back to the cache').to.equal(reads);
    });
  },
  ['postgres'],
);
