import { expect } from 'chai';
import { freePort, hasRedisServer, healthBecomes, skipUnlessAvailable, OwnRedis } from '../support/outage.ts';
import { hasMemcached, startOwnMemcached, type OwnMemcached } from '../support/memcached.ts';
import { startStallProxy, type StallProxy } from '../support/stall-proxy.ts';
import { serviceProblem, specDatabaseUrl, sql } from '../support/stores.ts';
import {
  alice,
  loginAs,
  removeTestApp,
  request,
  testApp,
  type TestApp,
  withCookie,
} from '../support/test-app.ts';

// A store that stops answering without going away (SIGSTOP, a half-dead network): no error,
// no closed socket, just silence. Client libraries do not bound that for us (@redis/client
// forgets its timeout once a command is sent), so without the app's own deadline every
// request carrying a session hangs: these specs would then hit mocha's timeout.

interface Stall {
  env(): Promise<Record<string, string>>;
  freeze(): void;
  thaw(): void;
  stop(): Promise<void>;
}

function stalledStoreSpec(
  kind: 'redis' | 'postgres' | 'memcached',
  stall: () => Stall,
  problem: () => Promise<string | null>,
) {
  describe(`a ${kind} session store that stalls`, function () {
    this.timeout(30_000);
    let lab: TestApp | undefined;
    let server: Stall;

    before(skipUnlessAvailable(problem));
    beforeEach(async () => {
      server = stall();
      lab = await testApp(await server.env());
    });
    afterEach(async () => {
      server.thaw();
      if (lab) await removeTestApp(lab);
      await server.stop();
    });

    it('answers a request with a session and a login 503, logs the outage once, and recovers by itself', async () => {
      const cookie = await loginAs(lab!);
      server.freeze();

      const [me, login] = await Promise.all([
        withCookie(lab!, cookie).get('/api/me'),
        request.execute(lab!.app).post('/api/login').send(alice),
      ]);
      for (const res of [me, login]) {
        expect(res).to.have.status(503);
        expect(res.body.error).to.equal('session_store_unavailable');
        expect(res).to.have.header('Retry-After');
      }
      // Still stalled: more requests, more 503s, and still one line in the log.
      for (const url of ['/api/me', '/api/session', '/api/users']) {
        const res = await withCookie(lab!, cookie).get(url);
        expect(res, url).to.have.status(503);
      }
      expect(lab!.logs.filter((line) => line.includes(`${kind} session store lost`))).to.have.length(1);
      expect(lab!.logs.filter((line) => line.startsWith('warn'))).to.have.length(1);

      server.thaw();
      expect(await healthBecomes(lab!, 200)).to.have.status(200);
      expect(lab!.logs.filter((line) => line.includes(`${kind} session store is back`))).to.have.length(1);
      // Nothing was lost meanwhile: the same cookie is the same session.
      const back = await withCookie(lab!, cookie).get('/api/me');
      expect(back).to.have.status(200);
      expect(back.body.username).to.equal('alice');
    });
  });
}

// Redis: a server of the spec's own on a free port, frozen with SIGSTOP.
stalledStoreSpec(
  'redis',
  () => {
    const redis = new OwnRedis();
    return {
      env: async () => ({ SESSION_STORE: 'redis', REDIS_URL: (await redis.start()).url }),
      freeze: () => redis.child?.kill('SIGSTOP'),
      thaw: () => redis.child?.kill('SIGCONT'),
      stop: () => redis.stop(),
    };
  },
  async () => (hasRedisServer() ? null : 'no redis-server binary to start a Redis of its own'),
);

// PostgreSQL: the shared server behind a proxy of the spec's own that stops forwarding.
stalledStoreSpec(
  'postgres',
  () => {
    let proxy: StallProxy | undefined;
    const namespace = `cl_spec_stall_${process.pid}`;
    return {
      async env() {
        const url = new URL(specDatabaseUrl);
        proxy = await startStallProxy({ host: url.hostname, port: Number(url.port || 5432) });
        url.port = String(proxy.port);
        return {
          SESSION_STORE: 'postgres',
          DATABASE_URL: url.toString(),
          SESSION_NAMESPACE: namespace,
        };
      },
      freeze: () => proxy?.stall(),
      thaw: () => proxy?.resume(),
      async stop() {
        await proxy?.close();
        await sql(`DROP TABLE IF EXISTS ${namespace}_sessions`);
      },
    };
  },
  () => serviceProblem('postgres'),
);

// Memcached: a server of the spec's own on a free port, frozen with SIGSTOP.
stalledStoreSpec(
  'memcached',
  () => {
    let memcached: OwnMemcached | undefined;
    return {
      async env() {
        memcached = await startOwnMemcached(await freePort());
        return { SESSION_STORE: 'memcached', MEMCACHED_SERVERS: memcached.servers };
      },
      freeze: () => memcached?.child.kill('SIGSTOP'),
      thaw: () => memcached?.child.kill('SIGCONT'),
      stop: async () => memcached?.stop(),
    };
  },
  async () => (hasMemcached() ? null : 'no memcached binary to start one of its own'),
);
