// Starts N cookie-lab instances and an unprivileged nginx in front of them, and stops them
// again. `npm run cluster` (scripts/cluster.ts) and `npm run test:cluster` share this.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createClient } from 'redis';
import { nginxConf } from './nginx-conf.ts';

export const clusterStores = ['cookie', 'memory', 'redis', 'postgres', 'memcached'] as const;
export type ClusterStore = (typeof clusterStores)[number];

/** A problem a person can fix (nginx missing, PostgreSQL down): printed as one line. */
export class ClusterError extends Error {}

export interface ClusterOptions {
  instances: number;
  store: ClusterStore;
  /** Where nginx listens; 0 picks a free port. */
  port: number;
  /** More environment for every instance (LOGIN_FAILURES_PER_ACCOUNT, BCRYPT_COST...). */
  env?: Record<string, string>;
  /** Each line an instance or nginx prints, tagged with who printed it. */
  onOutput?: (line: string) => void;
  /** For the buffer measurement only: nginx without the lab's header buffers. */
  defaultBuffers?: boolean;
}

export interface Instance {
  /** What its X-Instance header says. */
  id: string;
  /** Straight to the instance, past nginx. */
  url: string;
  port: number;
  child: ChildProcess;
}

export interface Cluster {
  /** nginx: what a browser uses. */
  url: string;
  instances: Instance[];
  namespace: string;
  throttleStore: 'redis' | 'postgres';
  /** nginx's prefix: its config, pid and temp files; removed by stop(). */
  dir: string;
  nginx: ChildProcess;
  /** Stops nginx and every instance still running, then removes the temporary prefix. */
  stop(): Promise<void>;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// Generous: on a loaded 2-core machine three instances took over 30 s to start together.
const startDeadlineMs = 90_000;

/**
 * NGINX names the binary; else PATH, then /usr/sbin, where Debian installs it and which
 * is not on an unprivileged user's PATH.
 */
export function findNginx(): string | undefined {
  if (process.env.NGINX) return existsSync(process.env.NGINX) ? process.env.NGINX : undefined;
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/sbin'];
  return dirs
    .filter((dir) => dir.startsWith('/'))
    .map((dir) => path.join(dir, 'nginx'))
    .find((file) => existsSync(file));
}

export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

async function checkPostgres(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    const shown = new URL(url);
    if (shown.password) shown.password = '***';
    throw new ClusterError(
      `DATABASE_URL: cannot reach PostgreSQL at ${shown} (${(error as { code?: string }).code ?? (error as Error).message}); every instance keeps its users there`,
    );
  } finally {
    await client.end().catch(() => {});
  }
}

async function checkRedis(url: string): Promise<void> {
  const client = createClient({ url, socket: { reconnectStrategy: false, connectTimeout: 2_000 } });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    throw new ClusterError(`REDIS_URL: cannot reach Redis at ${url} (${(error as Error).message})`);
  } finally {
    client.destroy();
  }
}

function lines(child: ChildProcess, tag: string, onOutput: (line: string) => void): () => string {
  let all = '';
  let partial = '';
  const take = (chunk: Buffer) => {
    all += chunk.toString();
    partial += chunk.toString();
    const parts = partial.split('\n');
    partial = parts.pop()!;
    for (const line of parts) if (line.trim()) onOutput(`[${tag}] ${line}`);
  };
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);
  return () => all;
}

async function startInstance(
  n: number,
  env: Record<string, string>,
  onOutput: (line: string) => void,
  children: ChildProcess[],
): Promise<Instance> {
  for (;;) {
    // A free port chosen here and polled, rather than PORT=0 and the log line: the cluster
    // must work whatever LOG_LEVEL says.
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
      cwd: root,
      env: { ...(process.env as Record<string, string>), ...env, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    const output = lines(child, `app ${n}`, onOutput);
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + startDeadlineMs;
    while (Date.now() < deadline && child.exitCode === null) {
      try {
        const health = await fetch(`${url}/healthz`);
        await health.arrayBuffer();
        const id = health.headers.get('x-instance') ?? '';
        // The id starts with the process id: another program that took the port between
        // freePort() and the listen must not pass for this instance.
        if (id.startsWith(`${child.pid}-`)) return { id, url, port, child };
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (child.exitCode === null) {
      throw new ClusterError(
        `instance ${n} did not answer on ${url} within ${startDeadlineMs / 1000} s: ${output().trim()}`,
      );
    }
    // Someone else took the port first: try another one.
    if (/cannot listen/.test(output())) continue;
    // The app's own one-line reason (cookie-lab cannot start: ...), not a stack.
    const reason = /cookie-lab cannot start: .*/.exec(output())?.[0] ?? output().trim();
    throw new ClusterError(`instance ${n} exited: ${reason}`);
  }
}

async function waitForNginx(url: string, nginx: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + startDeadlineMs;
  while (Date.now() < deadline) {
    if (nginx.exitCode !== null) throw new ClusterError(`nginx exited: ${output().trim()}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new ClusterError(`nginx did not answer on ${url}: ${output().trim()}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/**
 * Every instance shares one SESSION_SECRET (generated here, for this run only), users in
 * PostgreSQL, one throttle store and one SESSION_NAMESPACE; each believes nginx's
 * X-Forwarded-For (TRUST_PROXY=1). Throws ClusterError, having stopped what it started.
 */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const onOutput = options.onOutput ?? (() => {});
  const nginxBinary = findNginx();
  if (!nginxBinary) {
    throw new ClusterError('nginx is not installed: apt-get install nginx (Debian package), then run again');
  }
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const throttleStore = options.store === 'redis' ? 'redis' : 'postgres';
  await checkPostgres(databaseUrl);
  if (options.store === 'redis') await checkRedis(redisUrl);

  const namespace = options.env?.SESSION_NAMESPACE ?? process.env.SESSION_NAMESPACE ?? 'cookie_lab_cluster';
  const env = {
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    SESSION_STORE: options.store,
    USER_STORE: 'postgres',
    THROTTLE_STORE: throttleStore,
    TRUST_PROXY: '1',
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    MEMCACHED_SERVERS: process.env.MEMCACHED_SERVERS ?? '127.0.0.1:11211',
    ...options.env,
    SESSION_NAMESPACE: namespace,
  };
  const dir = await mkdtemp(path.join(tmpdir(), 'cookie-lab-cluster-'));
  const children: ChildProcess[] = [];
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      await Promise.all(children.map(stopChild));
      await rm(dir, { recursive: true, force: true });
    })());

  try {
    // Together: each creates its tables under an advisory lock, so starting at once is safe.
    const started = await Promise.allSettled(
      Array.from({ length: options.instances }, (_, i) => startInstance(i + 1, env, onOutput, children)),
    );
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    const instances = started.map((result) => (result as PromiseFulfilledResult<Instance>).value);
    const port = options.port === 0 ? await freePort() : options.port;
    await writeFile(
      path.join(dir, 'nginx.conf'),
      nginxConf({
        dir,
        port,
        upstreamPorts: instances.map((i) => i.port),
        defaultBuffers: options.defaultBuffers,
      }),
    );
    const nginx = spawn(
      nginxBinary,
      ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', 'stderr', '-g', 'daemon off;'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.push(nginx);
    const nginxOutput = lines(nginx, 'nginx', onOutput);
    const url = `http://127.0.0.1:${port}`;
    await waitForNginx(url, nginx, nginxOutput);
    return { url, instances, namespace, throttleStore, dir, nginx, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
