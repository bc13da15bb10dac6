import { expect } from 'chai';
import { createClient } from 'redis';
import { freePort, hasRedisServer, OwnRedis, skipUnlessAvailable } from '../support/outage.ts';
import { hasMemcached, startOwnMemcached, type OwnMemcached } from '../support/memcached.ts';
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
    try {
      memcached = await startOwnMemcached(await freePort());
      // curr_connections counts the listening socket and the stats probe's own connection.
      const alone = await memcached.stat('curr_connections');
      const lab = await testApp({ SESSION_STORE: 'memcached', MEMCACHED_SERVERS: memcached.servers });
      await loginAs(lab);
      expect(await memcached.stat('curr_connections'), 'the app connected').to.be.above(alone);
      await removeTestApp(lab);
      // Memcached notices a closed socket on its next event-loop turn.
      let now = await memcached.stat('curr_connections');
      for (let tries = 0; now !== alone && tries < 20; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        now = await memcached.stat('curr_connections');
      }
      expect(now).to.equal(alone);
    } finally {
      await memcached?.stop();
    }
  });
});
