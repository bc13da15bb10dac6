import { expect } from 'chai';
import { createClient } from 'redis';
import { hasRedisServer, healthBecomes, OwnRedis, skipUnlessAvailable } from '../support/outage.ts';
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

// A store that answers reads but refuses writes (a full Redis, a read-only replica, a
// revoked grant): every route that writes a session answers 503, the client's retry
// hint included, never a 500 that blames the server's code.

interface WriteBlocker {
  env(): Promise<Record<string, string>>;
  refuseWrites(): Promise<void>;
  allowWrites(): Promise<void>;
  stop(): Promise<void>;
}

function writeErrorSpec(
  kind: 'redis' | 'postgres',
  blocker: () => WriteBlocker,
  problem: () => Promise<string | null>,
) {
  describe(`a ${kind} session store that refuses writes`, function () {
    this.timeout(30_000);
    let lab: TestApp | undefined;
    let store: WriteBlocker;

    before(skipUnlessAvailable(problem));
    beforeEach(async () => {
      store = blocker();
      lab = await testApp(await store.env());
    });
    afterEach(async () => {
      if (lab) await removeTestApp(lab);
      await store.stop();
    });

    it('answers login, notes, logout and a due re-stamp with 503 session_store_unavailable, never 500', async () => {
      const cookie = await loginAs(lab!);
      await store.refuseWrites();
      const writes = [
        ['login', () => request.execute(lab!.app).post('/api/login').send(alice)],
        ['notes', () => withCookie(lab!, cookie).put('/api/session/notes').send({ text: 'a note' })],
        ['logout', () => withCookie(lab!, cookie).post('/api/logout')],
      ] as const;
      for (const [name, send] of writes) {
        // Each write meets the store itself, not an outage noticed by the one before.
        expect(await healthBecomes(lab!, 200), name).to.have.status(200);
        const res = await send();
        expect(res, name).to.have.status(503);
        expect(res.body.error, name).to.equal('session_store_unavailable');
        expect(res, name).to.have.header('Retry-After');
      }
      expect(lab!.logs.filter((line) => line.startsWith('error'))).to.deep.equal([]);

      // A read that must write: a quarter of the idle window later, GET /api/me re-stamps the
      // record it has just read, and that save is refused.
      expect(await healthBecomes(lab!, 200)).to.have.status(200);
      lab!.clock.advance(lab!.config.sessionIdleSeconds / 4);
      const restamp = await withCookie(lab!, cookie).get('/api/me');
      expect(restamp, 'a refused re-stamp').to.have.status(503);
      expect(restamp.body.error).to.equal('session_store_unavailable');
      expect(lab!.logs.filter((line) => line.startsWith('error'))).to.deep.equal([]);

      await store.allowWrites();
      expect(await healthBecomes(lab!, 200)).to.have.status(200);
      const notes = await withCookie(lab!, cookie).put('/api/session/notes').send({ text: 'a note' });
      expect(notes).to.have.status(200);
    });
  });
}

// Redis: a server of the spec's own, whose default user loses every write command.
writeErrorSpec(
  'redis',
  () => {
    const redis = new OwnRedis();
    const acl = async (rule: string) => {
      const client = createClient({ url: redis.url });
      await client.connect();
      await client.sendCommand(['ACL', 'SETUSER', 'default', rule]);
      client.destroy();
    };
    return {
      env: async () => ({ SESSION_STORE: 'redis', REDIS_URL: (await redis.start()).url }),
      refuseWrites: () => acl('-@write'),
      allowWrites: () => acl('+@write'),
      stop: () => redis.stop(),
    };
  },
  async () => (hasRedisServer() ? null : 'no redis-server binary to start a Redis of its own'),
);

// PostgreSQL: a trigger on the session table that refuses every INSERT, UPDATE and DELETE.
writeErrorSpec(
  'postgres',
  () => {
    const namespace = `cl_spec_refuse_${process.pid}`;
    const table = `${namespace}_sessions`;
    return {
      env: async () => ({
        SESSION_STORE: 'postgres',
        DATABASE_URL: specDatabaseUrl,
        SESSION_NAMESPACE: namespace,
      }),
      async refuseWrites() {
        await sql(`CREATE OR REPLACE FUNCTION ${table}_refuse() RETURNS trigger LANGUAGE plpgsql AS
          $$ BEGIN RAISE EXCEPTION 'writes refused by the spec'; END $$`);
        await sql(`CREATE TRIGGER refuse BEFORE INSERT OR UPDATE OR DELETE ON ${table}
          FOR EACH STATEMENT EXECUTE FUNCTION ${table}_refuse()`);
      },
      allowWrites: async () => void (await sql(`DROP TRIGGER refuse ON ${table}`)),
      async stop() {
        await sql(`DROP TABLE IF EXISTS ${table}`);
        await sql(`DROP FUNCTION IF EXISTS ${table}_refuse()`);
      },
    };
  },
  () => serviceProblem('postgres'),
);
