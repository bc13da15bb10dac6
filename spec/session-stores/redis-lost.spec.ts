import { expect } from 'chai';
import {
  expectSessionStoreDown,
  hasRedisServer,
  healthBecomes,
  skipUnlessAvailable,
  OwnRedis,
} from '../support/outage.ts';
import { loginAs, removeTestApp, request, testApp, type TestApp, withCookie } from '../support/test-app.ts';

// Redis lost while the app runs: session routes answer 503 at once, the rest keeps
// working, and the app heals by itself when Redis is back. The Redis here is a server of
// this spec's own on a free port, killed and started again; the shared one is never touched.
describe('losing Redis while the app runs', function () {
  this.timeout(30_000);
  let redis: OwnRedis;
  let lab: TestApp | undefined;

  before(
    skipUnlessAvailable(async () =>
      hasRedisServer() ? null : 'no redis-server binary to start a Redis of its own',
    ),
  );
  beforeEach(async () => {
    redis = await new OwnRedis().start();
    lab = await testApp({ SESSION_STORE: 'redis', REDIS_URL: redis.url });
  });
  afterEach(async () => {
    if (lab) await removeTestApp(lab);
    await redis.stop();
  });

  it('answers session routes with 503 at once, keeps the rest working, and heals when Redis is back', async () => {
    const cookie = await loginAs(lab!);
    await redis.stop();

    await expectSessionStoreDown(lab!, cookie);
    // Routes that need no session answer as usual.
    expect(await request.execute(lab!.app).get('/api/nothing')).to.have.status(404);
    expect(await request.execute(lab!.app).get('/api/logout')).to.have.status(405);
    expect(await request.execute(lab!.app).post('/api/login').send({ username: 'alice' })).to.have.status(
      400,
    );
    expect(lab!.logs.filter((line) => line.includes('redis session store lost'))).to.have.length(1);
    // Why, at debug level: once, however many reconnection attempts fail meanwhile.
    const debugLines = (text: string) => lab!.logs.filter((line) => line.includes(text));
    expect(debugLines('redis session store connection lost')).to.have.length(1);
    expect(debugLines('redis session store connection lost')[0]).to.match(
      new RegExp(`^debug redis session store connection lost \\(${redis.url}: \\S`),
    );

    await redis.start();
    expect(await healthBecomes(lab!, 200)).to.have.status(200);
    expect(debugLines('redis session store reconnected')).to.deep.equal([
      `debug redis session store reconnected (${redis.url})`,
    ]);
    // This Redis kept nothing on disk, so the old session went with it: log in again.
    expect(await withCookie(lab!, cookie).get('/api/me')).to.have.status(401);
    const again = await loginAs(lab!);
    expect(await withCookie(lab!, again).get('/api/me')).to.have.status(200);
  });
});

// The shared throttle store too: a login answers 503 while its Redis is gone, and counts
// again once Redis is back, without a restart of the app.
describe('losing the Redis of the throttle store while the app runs', function () {
  this.timeout(30_000);
  before(
    skipUnlessAvailable(async () =>
      hasRedisServer() ? null : 'no redis-server binary to start a Redis of its own',
    ),
  );

  it('answers logins 503 throttle_store_unavailable, then counts them again once Redis is back', async () => {
    const redis = await new OwnRedis().start();
    const lab = await testApp({ THROTTLE_STORE: 'redis', REDIS_URL: redis.url });
    const wrong = () =>
      request.execute(lab.app).post('/api/login').send({ username: 'alice', password: 'a wrong guess' });
    try {
      expect(await wrong()).to.have.status(401);
      await redis.stop();
      const down = await wrong();
      expect(down).to.have.status(503);
      expect(down.body.error).to.equal('throttle_store_unavailable');
      await redis.start();
      let res = down;
      for (let tries = 0; res.status === 503 && tries < 50; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        res = await wrong();
      }
      expect(res, 'counted again without a restart').to.have.status(401);
    } finally {
      await removeTestApp(lab);
      await redis.stop();
    }
  });
});
