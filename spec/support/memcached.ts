import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createConnection } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import memjs from 'memjs';
import { statsOfAll } from '../../server/sessions/server-side/memcached.ts';

// A Memcached server of a spec's own on a free port (the shared one on 11211 is never
// stopped), for the specs that kill, pause, restart or starve it, or count its commands.

/** A memjs client that fails at once rather than retrying: for probes, counts and checks. */
export const memcachedClient = (servers: string): memjs.Client =>
  memjs.Client.create(servers, { retries: 1, timeout: 1, logger: { log: () => {} } });

export const hasMemcached = (): boolean => spawnSync('memcached', ['-V']).status === 0;

export interface OwnMemcached {
  child: ChildProcess;
  servers: string;
  /** One figure of `stats`, as a number. */
  stat(name: string): Promise<number>;
  /** The seconds an item has left (`mg <key> t`: memjs has no meta commands); -1 is "never expires". */
  secondsLeft(key: string): Promise<number>;
  stop(): Promise<void>;
}

/** Starts `memcached` on the port with `memoryMb` of item memory, and resolves once it answers. */
export async function startOwnMemcached(port: number, memoryMb = 64): Promise<OwnMemcached> {
  // memcached refuses to run as root unless told which user to become.
  const asRoot = process.getuid?.() === 0 ? ['-u', 'root'] : [];
  const child = spawn(
    'memcached',
    [...asRoot, '-l', '127.0.0.1', '-p', String(port), '-m', String(memoryMb)],
    {
      stdio: 'ignore',
    },
  );
  const servers = `127.0.0.1:${port}`;
  const stat = async (name: string) => {
    const client = memcachedClient(servers);
    try {
      const [stats] = await statsOfAll(client);
      return Number(stats![name]);
    } finally {
      client.close();
    }
  };
  for (let tries = 0; ; tries++) {
    try {
      await stat('pid');
      break;
    } catch (error) {
      if (tries > 50 || child.exitCode !== null) throw error;
      await sleep(50);
    }
  }
  const secondsLeft = async (key: string) => {
    const socket = createConnection(port, '127.0.0.1');
    socket.write(`mg ${key} t\r\n`);
    const [answer] = (await once(socket, 'data')) as [Buffer];
    socket.destroy();
    const ttl = /^HD t(-?\d+)\r\n$/.exec(answer.toString('latin1'));
    if (!ttl) throw new Error(`mg ${key} t answered ${JSON.stringify(answer.toString('latin1'))}`);
    return Number(ttl[1]);
  };
  return {
    child,
    servers,
    stat,
    secondsLeft,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await once(child, 'exit');
    },
  };
}
