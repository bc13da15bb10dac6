import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../server/config.ts';
import { createLogger } from '../../server/log.ts';
import { PostgresUserRepository } from '../../server/users/postgres.ts';
import { freePort } from '../support/outage.ts';
import { runToExit } from '../support/process.ts';
import { forEachUserStore, needService, specDatabaseUrl, sql } from '../support/stores.ts';
import { startStallProxy, type StallProxy } from '../support/stall-proxy.ts';
import {
  alice,
  loginAs,
  removeTestApp,
  request,
  testApp,
  type TestApp,
  testSecret,
  withCookie,
} from '../support/test-app.ts';

describe('USER_STORE', () => {
  it('is lowdb unless told otherwise', () => {
    expect(loadConfig({}).userStore).to.equal('lowdb');
    expect(loadConfig({ USER_STORE: 'postgres' }).userStore).to.equal('postgres');
  });

  it('stops start-up with one line on a value it does not know', async () => {
    expect(() => loadConfig({ USER_STORE: 'mongo' })).to.throw(
      ConfigError,
      'USER_STORE: must be one of lowdb, postgres, got "mongo"',
    );
    const { code, output } = await runToExit({ USER_STORE: 'Postgres', SESSION_SECRET: testSecret });
    expect(code).to.equal(1);
    expect(output.trim()).to.equal(
      'cookie-lab cannot start: USER_STORE: must be one of lowdb, postgres, got "Postgres"',
    );
  });
});

describe('users in PostgreSQL, unreachable at start', function () {
  this.timeout(20_000);
  it('stops with one line naming DATABASE_URL without its password, exit code 1', async () => {
    const port = await freePort();
    const { code, output } = await runToExit({
      USER_STORE: 'postgres',
      DATABASE_URL: `postgres://postgres:hunter2@127.0.0.1:${port}/test`,
      SESSION_SECRET: testSecret,
    });
    expect(code).to.equal(1);
    expect(output.trim().split('\n'), output).to.have.length(1);
    expect(output).to.match(
      new RegExp(
        `^cookie-lab cannot start: DATABASE_URL: cannot reach postgres://postgres:\\*\\*\\*@127\\.0\\.0\\.1:${port}/test`,
      ),
    );
    expect(output).to.include('ECONNREFUSED').and.not.include('hunter2');
  });
});

forEachUserStore(
  'users shared by two instances',
  (store) => {
    let one: TestApp | undefined;
    let two: TestApp | undefined;
    afterEach(async () => {
      if (one) await removeTestApp(one);
      if (two) await removeTestApp(two);
      one = two = undefined;
    });

    it('gives exactly one 201 and five 409 to six racing registrations of Alice, alice and ALICE', async () => {
      const env = store.env();
      [one, two] = await Promise.all([testApp(env), testApp(env)]);
      const names = ['Alice', 'alice', 'ALICE', 'Alice', 'alice', 'ALICE'];
      const answers = await Promise.all(
        names.map((username, i) =>
          request
            .execute((i % 2 ? two! : one!).app)
            .post('/api/register')
            .send({ username, password: alice.password }),
        ),
      );
      const statuses = answers.map((res) => res.status).sort();
      expect(statuses).to.deep.equal([201, 409, 409, 409, 409, 409]);
      for (const res of answers.filter((answer) => answer.status === 409)) {
        expect(res.body.error).to.equal('username_taken');
      }
      const rows = await sql<{ username: string }>(`SELECT username FROM ${env.SESSION_NAMESPACE}_users`);
      expect(rows).to.have.length(1);
    });

    it('counts every bump made at once from both instances: one atomic UPDATE each', async () => {
      const env = store.env();
      [one, two] = await Promise.all([testApp(env), testApp(env)]);
      const user = await one.deps.users.create('alice', 'a hash');
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? two! : one!).deps.users.bumpSessionVersion(user.id)),
      );
      expect(await one.deps.users.sessionVersion(user.id)).to.equal(20);
      expect((await two.deps.users.findById(user.id))!.sessionVersion).to.equal(20);
    });

    it('lets a user registered on one instance log in on the other', async () => {
      const env = store.env();
      [one, two] = await Promise.all([testApp(env), testApp(env)]);
      expect(await request.execute(one.app).post('/api/register').send(alice)).to.have.status(201);
      expect(await request.execute(two.app).post('/api/login').send(alice)).to.have.status(200);
    });
  },
  ['postgres'],
);

describe('the users table', function () {
  this.timeout(20_000);
  before(needService('postgres'));
  const namespace = `cl_spec_schema_${process.pid}_${randomBytes(3).toString('hex')}`;
  after(async () => sql(`DROP TABLE IF EXISTS ${namespace}_users`));

  it('is created once by 20 instances starting at the same moment, none of them failing', async () => {
    const log = createLogger('silent');
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, () =>
        PostgresUserRepository.open({ databaseUrl: specDatabaseUrl, sessionNamespace: namespace }, log),
      ),
    );
    const failures = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(failures.map((failure) => String((failure as PromiseRejectedResult).reason))).to.deep.equal([]);
    await Promise.all(
      outcomes.map((outcome) => (outcome as PromiseFulfilledResult<PostgresUserRepository>).value.close()),
    );
    const indexes = await sql<{ indexdef: string }>(`SELECT indexdef FROM pg_indexes WHERE tablename = $1`, [
      `${namespace}_users`,
    ]);
    expect(indexes.map((index) => index.indexdef).join('\n')).to.match(/UNIQUE INDEX .* \(username_key\)/);
  });

  // What `npm run users -- import` does for each user, in the spec process (import.spec.ts
  // runs the command itself).
  it('imports a user once: the same id, or the same name in another case, is skipped', async () => {
    const users = await PostgresUserRepository.open(
      { databaseUrl: specDatabaseUrl, sessionNamespace: namespace },
      createLogger('silent'),
    );
    try {
      const bob = {
        id: 'a1b2c3d4-0000-4000-8000-00000000000b',
        username: 'Bob',
        passwordHash: '$2b$04$' + 'x'.repeat(53),
        createdAt: '2026-01-03T03:04:05.678Z',
        sessionVersion: 2,
      };
      expect(await users.import(bob)).to.equal('copied');
      expect(await users.import(bob), 'the same id').to.equal('skipped');
      expect(
        await users.import({ ...bob, id: 'a1b2c3d4-0000-4000-8000-00000000000c', username: 'BOB' }),
        'the same name',
      ).to.equal('skipped');
      expect(await users.findByUsername('bob')).to.deep.include({ id: bob.id, sessionVersion: 2 });
    } finally {
      await users.close();
    }
  });
});

describe('users in PostgreSQL that stalls while the app runs', function () {
  this.timeout(30_000);
  before(needService('postgres'));
  let proxy: StallProxy;
  let lab: TestApp | undefined;
  afterEach(async () => {
    proxy?.resume();
    if (lab) await removeTestApp(lab);
    await proxy?.close();
  });

  it('answers 503 user_store_unavailable within 2 s on every route that needs a user, and heals by itself', async () => {
    const target = new URL(specDatabaseUrl);
    proxy = await startStallProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const viaProxy = Object.assign(new URL(specDatabaseUrl), { port: String(proxy.port) }).toString();
    const namespace = `cl_spec_stall_${process.pid}_${randomBytes(3).toString('hex')}`;
    lab = await testApp({ USER_STORE: 'postgres', DATABASE_URL: viaProxy, SESSION_NAMESPACE: namespace });
    const cookie = await loginAs(lab);
    const sessionHeader = `session=${cookie}`;

    proxy.stall();
    const bob = { username: 'bob', password: 'bobs password' };
    // A route that reads no cached user comes first: the cache of users this instance has
    // read stays trusted for up to a second after the stall begins (user-cache.ts).
    const attempts = [
      ['post', '/api/register', '', bob],
      ['get', '/api/me', sessionHeader, undefined],
      ['get', '/api/users', sessionHeader, undefined],
      ['post', '/api/logout/all', sessionHeader, undefined],
      [
        'put',
        '/api/me/password',
        sessionHeader,
        { currentPassword: alice.password, newPassword: 'a new secret!' },
      ],
      ['delete', '/api/me', sessionHeader, { password: alice.password }],
      ['post', '/api/login', '', alice],
    ] as const;
    for (const [method, path, cookieHeader, body] of attempts) {
      const started = Date.now();
      let req = request.execute(lab.app)[method](path);
      if (cookieHeader) req = req.set('Cookie', cookieHeader);
      const res = await (body ? req.send(body) : req);
      const elapsedMs = Date.now() - started;
      expect(res.status, `${method} ${path}`).to.equal(503);
      expect(res.body.error, `${method} ${path}`).to.equal('user_store_unavailable');
      expect(res.body.message, `${method} ${path}`).to.equal(
        'The user store is not answering, so accounts cannot be read or changed. Try again in a moment.',
      );
      expect(res, `${method} ${path}`).to.have.header('Retry-After', '1');
      expect(elapsedMs, `${method} ${path} took ${elapsedMs} ms`).to.be.below(2_000);
    }
    const lines = (text: string) => lab!.logs.filter((line) => line.includes(text));
    expect(lines('postgres user store lost'), 'logged once for the whole outage').to.have.length(1);

    proxy.resume();
    let me = await request.execute(lab.app).get('/api/me').set('Cookie', sessionHeader);
    for (let tries = 0; me.status !== 200 && tries < 30; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      me = await request.execute(lab.app).get('/api/me').set('Cookie', sessionHeader);
    }
    expect(me, 'the same cookie works again').to.have.status(200);
    expect(lines('postgres user store is back')).to.have.length(1);
    // Nothing was half done: the password, the account and bob are as before the stall.
    expect(await request.execute(lab.app).post('/api/login').send(alice)).to.have.status(200);
    expect(await request.execute(lab.app).post('/api/register').send(bob)).to.have.status(201);
    await sql(`DROP TABLE IF EXISTS ${namespace}_users`);
  });

  it('names the user store, not the session store, when a server-side session cannot check its user', async () => {
    const target = new URL(specDatabaseUrl);
    proxy = await startStallProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const viaProxy = Object.assign(new URL(specDatabaseUrl), { port: String(proxy.port) }).toString();
    const namespace = `cl_spec_stall_${process.pid}_${randomBytes(3).toString('hex')}`;
    lab = await testApp({
      SESSION_STORE: 'memory',
      USER_STORE: 'postgres',
      DATABASE_URL: viaProxy,
      SESSION_NAMESPACE: namespace,
    });
    const cookie = await loginAs(lab);
    proxy.stall();
    // Past the second for which the users already read stay trusted.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const me = await withCookie(lab, cookie).get('/api/me');
    expect(me).to.have.status(503);
    expect(me.body.error).to.equal('user_store_unavailable');
    proxy.resume();
    await sql(`DROP TABLE IF EXISTS ${namespace}_users`);
  });
});
