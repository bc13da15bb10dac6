import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { needService, specDatabaseUrl, sql } from '../support/stores.ts';
import { createClient } from 'redis';
import { freePort, hasRedisServer, OwnRedis, skipUnlessAvailable } from '../support/outage.ts';
import memjs from 'memjs';
import { statsOfAll } from '../../server/sessions/server-side/memcached.ts';
import { hasMemcached, memcachedClient, startOwnMemcached, type OwnMemcached } from '../support/memcached.ts';
import { loginAs, removeTestApp, testApp } from '../support/test-app.ts';

// A stopped app lets go of its store: on a server of this spec's own, the connections it
// counts before and after are the app's and nobody else's (a rolling restart that leaked
// one per instance would fill the server's connection limit).
describe('closing the app closes its store connections', function () {
  this.timeout(20_000);
  before(
    skipUnlessAvailable(async () =>
      hasRedisServer() && hasMemcached()
        ? null
        : 'no redis-server or memcached binary to start one of its own',
    ),
  );

  for (const [what, env] of [
    ['Redis sessions', (url: string) => ({ SESSION_STORE: 'redis', REDIS_URL: url })],
    ['the Redis throttle store', (url: string) => ({ THROTTLE_STORE: 'redis', REDIS_URL: url })],
  ] as const) {
    it(`${what}: none left open`, async () => {
      const redis = await new OwnRedis().start();
      const probe = createClient({ url: redis.url });
      try {
        await probe.connect();
        const clients = async () => Number(/connected_clients:(\d+)/.exec(await probe.info('clients'))![1]);
        const alone = await clients();
        const lab = await testApp(env(redis.url));
        await loginAs(lab);
        expect(await clients(), 'the app connected').to.be.above(alone);
        await removeTestApp(lab);
        expect(await clients()).to.equal(alone);
      } finally {
        probe.destroy();
        await redis.stop();
      }
    });
  }

  it('Memcached: none left open', async () => {
    let memcached: OwnMemcached | undefined;
    let probe: memjs.Client | undefined;
    try {
      memcached = await startOwnMemcached(await freePort());
      // One probe connection for every count: a probe per count would leave its own closed
      // socket to be counted until Memcached notices it on a later event-loop turn.
      probe = memcachedClient(memcached.servers);
      const connections = async () => Number((await statsOfAll(probe!))[0]!.curr_connections);
      // curr_connections counts the listening socket and this probe; the start-up probe's
      // closed socket may still be counted at first, so wait for two equal readings.
      const pause = () => new Promise((resolve) => setTimeout(resolve, 50));
      let alone = await connections();
      for (let tries = 0; tries < 20; tries++) {
        await pause();
        const now = await connections();
        if (now === alone) break;
        alone = now;
      }
      const lab = await testApp({ SESSION_STORE: 'memcached', MEMCACHED_SERVERS: memcached.servers });
      await loginAs(lab);
      expect(await connections(), 'the app connected').to.be.above(alone);
      await removeTestApp(lab);
      // Memcached notices a closed socket on a later event-loop turn.
      let now = await connections();
      for (let tries = 0; now !== alone && tries < 20; tries++) {
        await pause();
        now = await connections();
      }
      expect(now).to.equal(alone);
    } finally {
      probe?.close();
      await memcached?.stop();
    }
  });

  // Every pool the app opens on PostgreSQL, named by the application_name of the spec's URL,
  // so that only this app's connections are counted in pg_stat_activity.
  describe('PostgreSQL', () => {
    before(needService('postgres'));
    for (const [what, variable] of [
      ['sessions', 'SESSION_STORE'],
      ['users', 'USER_STORE'],
      ['the throttle store', 'THROTTLE_STORE'],
    ] as const) {
      it(`${what}: none left open`, async () => {
        const name = `cl_close_${process.pid}_${randomBytes(3).toString('hex')}`;
        const url = new URL(specDatabaseUrl);
        url.searchParams.set('application_name', name);
        const open = async () =>
          Number(
            (
              await sql<{ n: string }>(
                'SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1',
                [name],
              )
            )[0]!.n,
          );
        const lab = await testApp({
          [variable]: 'postgres',
          DATABASE_URL: url.toString(),
          SESSION_NAMESPACE: name,
        });
        try {
          await loginAs(lab);
        } finally {
          expect(await open(), 'the app connected').to.be.above(0);
          await removeTestApp(lab);
        }
        let now = await open();
        for (let tries = 0; now !== 0 && tries < 20; tries++) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          now = await open();
        }
        expect(now).to.equal(0);
        await sql(
          `DROP TABLE IF EXISTS ${name}_sessions, ${name}_users, ${name}_throttle, ${name}_session_index`,
        ).catch(() => {});
      });
    }
  });
});
