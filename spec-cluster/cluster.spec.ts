import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { createClient } from 'redis';
import { clusterStores, findNginx, startCluster, type Cluster } from '../scripts/cluster/start.ts';
import { needService, specDatabaseUrl, specRedisUrl, sql } from '../spec/support/stores.ts';

// Three real instances behind a real nginx, balancing round-robin, once per session store:
// what a class sees when it scales the lab out. Needs nginx (Debian's package), PostgreSQL
// and, for the redis run, Redis: without them a local run pends and says why; under
// CI=true it fails.

const instances = 3;
const json = { 'content-type': 'application/json' };

function needNginx(this: Mocha.Context): void {
  if (findNginx()) return;
  if (process.env.CI === 'true')
    throw new Error('CI=true needs nginx: .ci/run installs it (apt-get install nginx)');
  console.log('    (cluster suites pending: nginx is not installed; apt-get install nginx to run them)');
  this.skip();
}

interface Answer {
  status: number;
  instance: string;
}

async function get(url: string, cookie: string): Promise<Answer> {
  const res = await fetch(url, { headers: { cookie } });
  await res.arrayBuffer();
  return { status: res.status, instance: res.headers.get('x-instance') ?? '' };
}

async function post(url: string, body: unknown, cookie = ''): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { ...json, cookie }, body: JSON.stringify(body) });
}

/** Registers through nginx, logs in through nginx: the cookie, and which instance issued it. */
async function logIn(cluster: Cluster, user: { username: string; password: string }) {
  expect((await post(`${cluster.url}/api/register`, user)).status).to.equal(201);
  const res = await post(`${cluster.url}/api/login`, user);
  expect(res.status).to.equal(200);
  const cookie = res.headers.getSetCookie()[0]!.split(';')[0]!;
  return { cookie, issuedBy: res.headers.get('x-instance')! };
}

const twenty = (cluster: Cluster, cookie: string) =>
  Promise.all(Array.from({ length: 20 }, () => get(`${cluster.url}/api/me`, cookie)));

for (const store of clusterStores) {
  describe(`cluster: ${instances} instances behind nginx, round-robin [${store}]`, function () {
    this.timeout(180_000);
    before(needNginx);
    before(needService('postgres'));
    if (store === 'redis') before(needService('redis'));
    if (store === 'memcached') before(needService('memcached'));

    let cluster: Cluster;
    const namespace = `cl_cluster_${process.pid}_${randomBytes(3).toString('hex')}`;
    const user = (name: string) => ({ username: name, password: `${name} password 1` });

    before(async function () {
      cluster = await startCluster({
        instances,
        store,
        port: 0,
        onOutput: process.env.CLUSTER_OUTPUT ? (line) => console.log(line) : undefined,
        env: {
          SESSION_NAMESPACE: namespace,
          DATABASE_URL: specDatabaseUrl,
          REDIS_URL: specRedisUrl,
          BCRYPT_COST: '4',
          HASH_WORKERS: '1',
          LOGIN_FAILURES_PER_ACCOUNT: '3',
          LOG_LEVEL: 'warn',
        },
      });
    });

    after(async function () {
      await cluster?.stop();
      if (!cluster) return;
      for (const table of ['users', 'sessions', 'throttle'])
        await sql(`DROP TABLE IF EXISTS ${namespace}_${table}`);
      if (store === 'redis') {
        const client = createClient({ url: specRedisUrl });
        await client.connect();
        for await (const keys of client.scanIterator({ MATCH: `${namespace}:*`, COUNT: 1000 })) {
          if (keys.length > 0) await client.del(keys);
        }
        client.destroy();
      }
    });

    it('answers from every instance: the X-Instance values cover all of them', async () => {
      const seen = new Set<string>();
      for (let i = 0; i < instances * 2; i++) seen.add((await get(`${cluster.url}/healthz`, '')).instance);
      expect([...seen].sort()).to.deep.equal(cluster.instances.map((i) => i.id).sort());
    });

    if (store === 'memory') {
      it('fails exactly the requests that land on another instance than the login: no sticky sessions', async () => {
        const { cookie, issuedBy } = await logIn(cluster, user('mona'));
        const answers = await twenty(cluster, cookie);
        const elsewhere = answers.filter((a) => a.instance !== issuedBy);
        // Round-robin over 3: about two requests in three land elsewhere, and each of them is a 401.
        expect(elsewhere.length).to.be.greaterThan(0);
        expect(answers.filter((a) => a.status === 401).length).to.equal(elsewhere.length);
        expect(answers.filter((a) => a.status === 200).length).to.equal(20 - elsewhere.length);
      });
    } else {
      it('answers 20 GET /api/me after one login, all 200, from every instance', async () => {
        const { cookie } = await logIn(cluster, user('mona'));
        const answers = await twenty(cluster, cookie);
        expect(answers.map((a) => a.status)).to.deep.equal(Array(20).fill(200));
        expect(new Set(answers.map((a) => a.instance)).size).to.equal(instances);
      });
    }

    it('refuses the copied cookie on every instance within 1 s of a logout-all made through one', async () => {
      const { cookie, issuedBy } = await logIn(cluster, user('lou'));
      // Memory: only the issuing instance knows the session, so only it can end it.
      const through =
        store === 'memory'
          ? cluster.instances.find((i) => i.id === issuedBy)!
          : cluster.instances.find((i) => i.id !== issuedBy)!;
      expect((await post(`${through.url}/api/logout/all`, {}, cookie)).status).to.equal(200);
      const started = Date.now();
      const refusedAfterMs = await Promise.all(
        cluster.instances.map(async (instance) => {
          for (;;) {
            if ((await get(`${instance.url}/api/me`, cookie)).status === 401) return Date.now() - started;
            if (Date.now() - started > 1_000) return Infinity;
            await new Promise((resolve) => setTimeout(resolve, 10));
          }
        }),
      );
      expect(
        refusedAfterMs.every((ms) => ms <= 1_000),
        `refused after ${refusedAfterMs.join(', ')} ms`,
      ).to.equal(true);
    });

    it('holds the account limit across instances: the 4th failure is a 429, wherever it lands', async () => {
      const wrong = { username: 'target', password: 'wrong guess 1' };
      const answered = new Set<string>();
      for (let n = 1; n <= 3; n++) {
        const res = await post(`${cluster.url}/api/login`, wrong);
        expect(res.status, `failure ${n}`).to.equal(401);
        answered.add(res.headers.get('x-instance')!);
      }
      expect(answered.size, 'the failures were spread over the instances').to.equal(3);
      expect((await post(`${cluster.url}/api/login`, wrong)).status).to.equal(429);
    });

    if (store === 'cookie') {
      it('passes a session at the cookie budget through nginx both ways (Set-Cookie and Cookie)', async () => {
        const { cookie } = await logIn(cluster, user('fran'));
        const put = await fetch(`${cluster.url}/api/session/notes`, {
          method: 'PUT',
          headers: { ...json, cookie },
          body: JSON.stringify({ text: 'x'.repeat(2_817) }),
        });
        expect(put.status, await put.text()).to.equal(200);
        const full = put.headers.getSetCookie()[0]!.split(';')[0]!;
        expect(full.length).to.be.within(4_000, 4_096);
        expect((await get(`${cluster.url}/api/me`, full)).status).to.equal(200);
      });
    }

    it('keeps answering GETs through the others when one instance is SIGKILLed mid-run', async () => {
      const { cookie, issuedBy } = await logIn(cluster, user('kim'));
      const victim = cluster.instances.find((i) => i.id === issuedBy)!;
      const before = twenty(cluster, cookie);
      victim.child.kill('SIGKILL');
      const answers = [...(await before), ...(await twenty(cluster, cookie))];
      const after = answers.slice(20);
      expect(
        after.every((a) => a.instance !== victim.id),
        'nothing answers from the dead one',
      ).to.equal(true);
      expect(new Set(after.map((a) => a.instance)).size, 'the two others share the load').to.equal(
        instances - 1,
      );
      // Memory: the session died with its instance. Everyone else: it lives in the cookie or the store.
      const expected = store === 'memory' ? 401 : 200;
      expect(after.map((a) => a.status)).to.deep.equal(Array(20).fill(expected));
      expect(
        answers.filter((a) => a.status >= 500),
        'no 502 while nginx learns the instance is gone',
      ).to.deep.equal([]);
    });
  });
}
