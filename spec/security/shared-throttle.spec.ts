import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { createClient } from 'redis';
import { needService, redisKeys, specDatabaseUrl, specRedisUrl, sql } from '../support/stores.ts';
import { startStallProxy, type StallProxy } from '../support/stall-proxy.ts';
import { removeTestApp, request, testApp, type TestApp } from '../support/test-app.ts';

// THROTTLE_STORE=redis|postgres: two instances behind one balancer count failed logins
// in one place, so the account limit is the limit, not the limit times the instances.

const wrong = { username: 'alice', password: 'wrong guess 1' };

for (const kind of ['redis', 'postgres'] as const) {
  describe(`security: login throttling shared by two instances [THROTTLE_STORE=${kind}]`, function () {
    this.timeout(20_000);
    before(needService(kind));
    let apps: TestApp[] = [];
    let namespace: string;
    afterEach(async () => {
      await Promise.all(apps.map(removeTestApp));
      apps = [];
      if (kind === 'postgres') await sql(`DROP TABLE IF EXISTS ${namespace}_throttle`);
      // Redis keys go with the run's prefix in stores.ts; these are this spec's own.
      if (kind === 'redis') {
        const client = createClient({ url: specRedisUrl });
        await client.connect();
        const keys = await redisKeys(namespace);
        if (keys.length > 0) await client.del(keys);
        client.destroy();
      }
    });

    async function twoInstances(): Promise<[TestApp, TestApp]> {
      namespace = `cl_spec_throttle_${process.pid}_${randomBytes(3).toString('hex')}`;
      const env = {
        THROTTLE_STORE: kind,
        LOGIN_FAILURES_PER_ACCOUNT: '3',
        SESSION_NAMESPACE: namespace,
        REDIS_URL: specRedisUrl,
        DATABASE_URL: specDatabaseUrl,
      };
      apps = await Promise.all([testApp(env), testApp(env)]);
      return apps as [TestApp, TestApp];
    }

    it('refuses the 4th failure of an account with 429 when the failures alternate between the instances', async () => {
      const [a, b] = await twoInstances();
      for (const [n, app] of [a, b, a].entries()) {
        expect(
          await request.execute(app.app).post('/api/login').send(wrong),
          `failure ${n + 1}`,
        ).to.have.status(401);
      }
      const fourth = await request.execute(b.app).post('/api/login').send(wrong);
      expect(fourth, JSON.stringify(fourth.body)).to.have.status(429);
      expect(fourth.body.error).to.equal('too_many_attempts');
    });

    it('keeps the counter in the store, under the namespace', async () => {
      const [a] = await twoInstances();
      expect(await request.execute(a.app).post('/api/login').send(wrong)).to.have.status(401);
      if (kind === 'redis') {
        expect(await redisKeys(namespace, 'login-account:*')).to.deep.equal([
          `${namespace}:login-account:alice`,
        ]);
      } else {
        const rows = await sql<{ points: number }>(
          `SELECT points FROM ${namespace}_throttle WHERE key = $1`,
          ['login-account:alice'],
        );
        expect(rows).to.deep.equal([{ points: 1 }]);
      }
    });
  });
}

describe('security: a throttle store that stalls fails closed', function () {
  this.timeout(20_000);
  for (const kind of ['redis', 'postgres'] as const) {
    describe(`[THROTTLE_STORE=${kind}]`, function () {
      before(needService(kind));
      let proxy: StallProxy | undefined;
      let lab: TestApp | undefined;
      afterEach(async () => {
        proxy?.resume();
        if (lab) await removeTestApp(lab);
        await proxy?.close();
      });

      it('answers a login 503 throttle_store_unavailable within 2 s, never a 401 nor a hang, and heals', async () => {
        const target = new URL(kind === 'redis' ? specRedisUrl : specDatabaseUrl);
        proxy = await startStallProxy({
          host: target.hostname,
          port: Number(target.port || (kind === 'redis' ? 6379 : 5432)),
        });
        const viaProxy = Object.assign(new URL(target), { port: String(proxy.port) }).toString();
        const namespace = `cl_spec_throttle_${process.pid}_${randomBytes(3).toString('hex')}`;
        lab = await testApp({
          THROTTLE_STORE: kind,
          SESSION_NAMESPACE: namespace,
          [kind === 'redis' ? 'REDIS_URL' : 'DATABASE_URL']: viaProxy,
        });
        expect(await request.execute(lab.app).post('/api/login').send(wrong)).to.have.status(401);

        proxy.stall();
        for (const path of ['/api/login', '/api/register']) {
          const started = Date.now();
          const res = await request.execute(lab.app).post(path).send(wrong);
          const elapsedMs = Date.now() - started;
          expect(res.status, path).to.equal(503);
          expect(res.body.error, path).to.equal('throttle_store_unavailable');
          expect(res.body.message, path).to.equal(
            `The attempt counter (${kind}) is not answering, so logins and registrations are paused. Try again in a moment.`,
          );
          expect(res.headers['retry-after'], path).to.equal('1');
          expect(elapsedMs, `${path} took ${elapsedMs} ms`).to.be.below(2_500);
        }

        proxy.resume();
        let res = await request.execute(lab.app).post('/api/login').send(wrong);
        for (let tries = 0; res.status === 503 && tries < 40; tries++) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          res = await request.execute(lab.app).post('/api/login').send(wrong);
        }
        expect(res, 'counted again once the store answers').to.have.status(401);
        // The outage is told once, however many calls met it, and so is its end.
        const outageLines = lab.logs.filter((line) => /^(warn|info) .*throttle store/.test(line));
        expect(outageLines).to.have.length(2);
        expect(outageLines[0]).to.match(
          new RegExp(
            `^warn  ${kind} throttle store lost \\(.+\\); logins and registrations answer 503 until it answers$`,
          ),
        );
        expect(outageLines[1]).to.equal(`info  ${kind} throttle store is back`);
        if (kind === 'postgres') await sql(`DROP TABLE IF EXISTS ${namespace}_throttle`);
      });
    });
  }
});
