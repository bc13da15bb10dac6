import { expect } from 'chai';
import { healthBecomes, skipUnlessAvailable } from '../support/outage.ts';
import { serviceProblem, specDatabaseUrl, sql } from '../support/stores.ts';
import { loginAs, removeTestApp, request, testApp, type TestApp, withCookie } from '../support/test-app.ts';

// PostgreSQL lost while the app runs. The spec does not stop the shared server: it gives
// the app a database of its own, then refuses that database's connections and cuts the
// app's open ones, which is what the app sees when its database goes away.
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
    expect(health.body).to.deep.equal({
      ok: false,
      store: 'postgres',
      reachable: false,
      instance: lab.deps.instance,
    });
    const me = await withCookie(lab, cookie).get('/api/me');
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
    expect(await withCookie(lab, cookie).get('/api/me')).to.have.status(200);
  });
});
