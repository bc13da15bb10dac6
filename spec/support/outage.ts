import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from 'redis';
import { request, type TestApp } from './test-app.ts';

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

/** Starts `redis-server` on the port, keeping nothing on disk, and resolves once it answers. */
export async function startOwnRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const client = createClient({ url: `redis://127.0.0.1:${port}`, socket: { reconnectStrategy: 50 } });
  client.on('error', () => {});
  await client.connect();
  client.destroy();
  return child;
}

/** Polls until the app's /healthz answers the given status: the app noticing, not the spec guessing. */
export async function healthBecomes(lab: TestApp, status: number): Promise<ChaiHttp.Response> {
  for (let tries = 0; ; tries++) {
    const res = await request.execute(lab.app).get('/healthz');
    if (res.status === status || tries > 50) return res;
    await sleep(100);
  }
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
