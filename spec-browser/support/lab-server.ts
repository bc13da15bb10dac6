import { mkdtemp } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp } from '../../server/app.ts';
import type { Config } from '../../server/config.ts';
import { removeTestApp, testApp, type TestApp, type TestClock } from '../../spec/support/test-app.ts';

// The browser lives in real time: its countdowns and its cookie jar's Expires run on the
// real clock, so the server does too (the specs' TestClock would stand still).
const realClock: TestClock = {
  get ms() {
    return Date.now();
  },
  now: () => Date.now(),
  advance() {
    throw new Error('the browser suite runs on the real clock; it cannot be moved');
  },
};

export interface LabServer {
  lab: TestApp;
  /** The page's address, e.g. http://127.0.0.1:41234/ */
  url: string;
  close(): Promise<void>;
}

/**
 * The real app on a free port of 127.0.0.1, built like every spec's (temp folder,
 * bcrypt cost 4) but on the real clock. `config` changes what no environment variable can in development,
 * such as switching the replay lab off.
 */
export async function startLab(
  env: Record<string, string> = {},
  config: Partial<Config> = {},
): Promise<LabServer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'cookie-lab-browser-'));
  const lab = await testApp(env, { dir, clock: realClock });
  const app = Object.keys(config).length
    ? createApp({ ...lab.deps, config: { ...lab.deps.config, ...config } })
    : lab.app;
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    lab,
    url: `http://127.0.0.1:${port}/`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await removeTestApp(lab);
    },
  };
}
