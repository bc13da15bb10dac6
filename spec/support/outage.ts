import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from 'redis';
import { expect } from 'chai';
import { alice, request, type TestApp, withCookie } from './test-app.ts';

// Helpers for the outage specs: a port nobody listens on, a Redis server of a spec's own
// (the shared one on 6379 is never stopped), and waiting for the app to notice.

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

export const hasRedisServer = (): boolean => spawnSync('redis-server', ['--version']).status === 0;

/**
 * A `redis-server` of the spec's own, keeping nothing on disk, so the shared Redis is never
 * paused or killed. start() takes a free port the first time and the same one after a stop.
 */
export class OwnRedis {
  child: ChildProcess | undefined;
  port = 0;
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Resolves once it answers. */
  async start(): Promise<this> {
    this.port ||= await freePort();
    this.child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    const client = createClient({ url: this.url, socket: { reconnectStrategy: 50 } });
    client.on('error', () => {});
    await client.connect();
    client.destroy();
    return this;
  }

  /** SIGKILL: gone at once, as a crash or a lost host. */
  async stop(): Promise<void> {
    if (!this.child || this.child.exitCode !== null) return;
    this.child.kill('SIGKILL');
    await once(this.child, 'exit');
  }
}

/** Polls until the app's /healthz answers the given status: the app noticing, not the spec guessing. */
export async function healthBecomes(lab: TestApp, status: number): Promise<ChaiHttp.Response> {
  for (let tries = 0; ; tries++) {
    const res = await request.execute(lab.app).get('/healthz');
    if (res.status === status || tries > 50) return res;
    await sleep(100);
  }
}

/**
 * What a client sees while the session store is down, whichever store it is: /healthz says
 * so; every request that needs the session, and a login (it must write one), gets 503
 * session_store_unavailable with Retry-After; a registration, which needs none, still works.
 */
export async function expectSessionStoreDown(lab: TestApp, cookie: string): Promise<void> {
  const health = await healthBecomes(lab, 503);
  expect(health.body).to.deep.equal({
    ok: false,
    store: lab.config.sessionStore,
    reachable: false,
    instance: lab.deps.instance,
  });
  for (const [method, url] of [
    ['get', '/api/me'],
    ['get', '/api/users'],
    ['get', '/api/session'],
    ['post', '/api/logout'],
  ] as const) {
    const res = await withCookie(lab, cookie)[method](url);
    expect(res, `${method} ${url}`).to.have.status(503);
    expect(res.body.error).to.equal('session_store_unavailable');
    expect(res.body.message).to.equal(
      `The session store (${lab.config.sessionStore}) is not answering, so sessions cannot be read or changed. Try again in a moment.`,
    );
    expect(res).to.have.header('Retry-After', '1');
  }
  expect((await request.execute(lab.app).post('/api/login').send(alice)).status).to.equal(503);
  const replay = await request.execute(lab.app).post('/api/lab/replay').send({ cookie });
  expect(replay, 'the replay lab asks the store too').to.have.status(503);
  const bob = await request
    .execute(lab.app)
    .post('/api/register')
    .send({ username: 'bob', password: 'bobs password' });
  expect(bob, 'registration needs no session').to.have.status(201);
  expect(lab.logs.join('\n')).not.to.include('internal_error');
}

/** A before() hook: pending locally with the reason printed, a failure under CI=true. */
export function skipUnlessAvailable(problem: () => Promise<string | null>) {
  return async function (this: Mocha.Context) {
    const reason = await problem();
    if (!reason) return;
    if (process.env.CI === 'true') throw new Error(`CI=true needs this: ${reason}`);
    console.log(`    (pending: ${reason})`);
    this.skip();
  };
}
