import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import { createClient } from 'redis';
import { runToExit } from '../support/process.ts';
import { serviceProblem, specDatabaseUrl, sql } from '../support/stores.ts';
import {
  alice,
  loginAs,
  removeTestApp,
  request,
  testApp,
  testSecret,
  type TestApp,
} from '../support/test-app.ts';

// A store that is down at start stops the process with one line; a store lost while the
// app runs turns session routes into 503 at once, leaves the rest working, and the app
// heals by itself when the store is back. The shared services on 6379/5432 are never
// stopped: Redis is a server of this spec's own, PostgreSQL a database of its own.

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/** Polls until the app's /healthz answers the given status: the app noticing, not the spec guessing. */
async function healthBecomes(lab: TestApp, status: number): Promise<ChaiHttp.Response> {
  for (let tries = 0; ; tries++) {
    const res = await request.execute(lab.app).get('/healthz');
    if (res.status === status || tries > 50) return res;
    await sleep(100);
  }
}

function skipUnlessAvailable(problem: () => Promise<string | null>) {
  return async function (this: Mocha.Context) {
    const reason = await problem();
    if (!reason) return;
    if (process.env.CI === 'true') throw new Error(`CI=true needs this: ${reason}`);
    console.log(`    (pending: ${reason})`);
    this.skip();
  };
}

describe('a session store that is unreachable at start', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(path.join(tmpdir(), 'cookie-lab-outage-'))));
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  const cases = [
    ['redis', 'REDIS_URL', (port: number) => `redis://:hunter2@127.0.0.1:${port}`],
    ['postgres', 'DATABASE_URL', (port: number) => `postgres://postgres:hunter2@127.0.0.1:${port}/test`],
  ] as const;
  for (const [kind, variable, url] of cases) {
    it(`stops ${kind} mode with one line naming ${variable} without its password, exit code 1`, async () => {
      const port = await freePort();
      const { code, output } = await runToExit({
        SESSION_STORE: kind,
        [variable]: url(port),
        SESSION_SECRET: testSecret,
        DB_FILE: path.join(dir, 'db.json'),
      });
      expect(code).to.equal(1);
      expect(output.trim().split('\n'), output).to.have.length(1);
      expect(output).to.match(
        new RegExp(`^cookie-lab cannot start: ${variable}: cannot reach .*127\\.0\\.0\\.1:${port}`),
      );
      expect(output).to.include('ECONNREFUSED').and.not.include('hunter2');
    });
  }
});

describe('losing Redis while the app runs', function () {
  this.timeout(30_000);
  let port: number;
  let redis: ChildProcess | undefined;
  let lab: TestApp | undefined;

  const startRedis = async () => {
    redis = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      },
    );
    const client = createClient({ url: `redis://127.0.0.1:${port}`, socket: { reconnectStrategy: 50 } });
    client.on('error', () => {});
    await client.connect();
    client.destroy();
  };
  const stopRedis = async () => {
    if (!redis || redis.exitCode !== null) return;
    redis.kill('SIGKILL');
    await once(redis, 'exit');
  };

  before(
    skipUnlessAvailable(async () =>
      spawnSync('redis-server', ['--version']).status === 0
        ? null
        : 'no redis-server binary to start a Redis of its own',
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
    expect(health.body).to.deep.equal({ ok: false, store: 'redis', reachable: false });
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

describe('losing PostgreSQL while the app runs', function () {
  this.timeout(30_000);
  const database = `cl_spec_outage_${process.pid}`;
  const databaseUrl = Object.assign(new URL(specDatabaseUrl), { pathname: `/${database}` }).toString();
  let lab: TestApp | undefined;

  before(skipUnlessAvailable(() => serviceProblem('postgres')));
  before(async () => {
    await sql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await sql(`CREATE DATABASE ${database}`);
  });
  after(async () => {
    if (lab) await removeTestApp(lab);
    if (!(await serviceProblem('postgres'))) await sql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  });

  it('answers session routes with 503 while the database refuses connections, and heals with sessions intact', async () => {
    lab = await testApp({ SESSION_STORE: 'postgres', DATABASE_URL: databaseUrl });
    const cookie = await loginAs(lab);
    // This database only: refuse new connections and cut the app's open ones.
    await sql(`ALTER DATABASE ${database} WITH ALLOW_CONNECTIONS false`);
    await sql(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [database]);

    const health = await healthBecomes(lab, 503);
    expect(health.body).to.deep.equal({ ok: false, store: 'postgres', reachable: false });
    const me = await request.execute(lab.app).get('/api/me').set('Cookie', `session=${cookie}`);
    expect(me).to.have.status(503);
    expect(me.body.error).to.equal('session_store_unavailable');
    const bob = await request
      .execute(lab.app)
      .post('/api/register')
      .send({ username: 'bob', password: 'bobs password' });
    expect(bob).to.have.status(201);

    await sql(`ALTER DATABASE ${database} WITH ALLOW_CONNECTIONS true`);
    expect(await healthBecomes(lab, 200)).to.have.status(200);
    // The rows were never lost: the same cookie works again.
    expect(await request.execute(lab.app).get('/api/me').set('Cookie', `session=${cookie}`)).to.have.status(
      200,
    );
  });
});
