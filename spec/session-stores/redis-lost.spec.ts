import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { expect } from 'chai';
import {
  freePort,
  hasRedisServer,
  healthBecomes,
  skipUnlessAvailable,
  startOwnRedis,
} from '../support/outage.ts';
import { alice, loginAs, removeTestApp, request, testApp, type TestApp } from '../support/test-app.ts';

// Redis lost while the app runs: session routes answer 503 at once, the rest keeps
// working, and the app heals by itself when Redis is back. The Redis here is a server of
// this spec's own on a free port, killed and started again; the shared one is never touched.
describe('losing Redis while the app runs', function () {
  this.timeout(30_000);
  let port: number;
  let redis: ChildProcess | undefined;
  let lab: TestApp | undefined;

  const startRedis = async () => {
    redis = await startOwnRedis(port);
  };
  const stopRedis = async () => {
    if (!redis || redis.exitCode !== null) return;
    redis.kill('SIGKILL');
    await once(redis, 'exit');
  };

  before(
    skipUnlessAvailable(async () =>
      hasRedisServer() ? null : 'no redis-server binary to start a Redis of its own',
    ),
  );
  beforeEach(async () => {
    port = await freePort();
    await startRedis();
    lab = await testApp({ SESSION_STORE: 'redis', REDIS_URL: `redis://127.0.0.1:${port}` });
  });
  afterEach(async () => {
    if (lab) await removeTestApp(lab);
    await stopRedis();
  });

  it('answers session routes with 503 at once, keeps the rest working, and heals when Redis is back', async () => {
    const cookie = await loginAs(lab!);
    await stopRedis();

    const health = await healthBecomes(lab!, 503);
    expect(health).to.have.status(503);
    expect(health.body).to.deep.equal({
      ok: false,
      store: 'redis',
      reachable: false,
      instance: lab!.deps.instance,
    });
    for (const [method, url] of [
      ['get', '/api/me'],
      ['get', '/api/users'],
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
    expect(await request.execute(lab!.app).get('/api/nothing')).to.have.status(404);
    expect(await request.execute(lab!.app).get('/api/logout')).to.have.status(405);
    expect(await request.execute(lab!.app).post('/api/login').send({ username: 'alice' })).to.have.status(
      400,
    );
    expect(lab!.logs.some((line) => line.includes('redis session store lost'))).to.equal(true);
    expect(lab!.logs.join('\n')).not.to.include('internal_error');

    await startRedis();
    expect(await healthBecomes(lab!, 200)).to.have.status(200);
    // This Redis kept nothing on disk, so the old session went with it: log in again.
    expect(await request.execute(lab!.app).get('/api/me').set('Cookie', `session=${cookie}`)).to.have.status(
      401,
    );
    const again = await loginAs(lab!);
    expect(await request.execute(lab!.app).get('/api/me').set('Cookie', `session=${again}`)).to.have.status(
      200,
    );
  });
});
