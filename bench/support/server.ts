import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HookRequest, LoopDelay } from './loop-delay-hook.ts';
import { profileHookArgs } from './profile.ts';

export interface BenchServer {
  url: string;
  /** The server process, for its CPU time and memory (bench/support/process-stats.ts). */
  pid: number;
  /** The process itself, for profileTarget (bench/support/profile.ts). */
  child: ChildProcess;
  /** Starts a window of event-loop delay measurement inside the server. */
  startLoopDelay(): void;
  stopLoopDelay(): Promise<LoopDelay>;
  stop(): Promise<void>;
}

const repoRoot = path.resolve(import.meta.dirname, '../..');

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function waitUntilHealthy(url: string, child: ChildProcess, output: () => string): Promise<void> {
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(100)) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the server exited (${child.exitCode ?? child.signalCode}): ${output()}`);
    }
    const ok = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) }).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) return;
  }
  throw new Error(`the server did not answer /healthz within 30 s: ${output()}`);
}

/**
 * Starts the real server (server/index.ts, as `npm start` does) on 127.0.0.1 with its
 * own temp user file, plus the loop-delay hook. `env` adds to or overrides the defaults.
 */
export async function startBenchServer(env: Record<string, string>): Promise<BenchServer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'cookie-lab-bench-'));
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--import',
      './bench/support/loop-delay-hook.ts',
      ...profileHookArgs,
      'server/index.ts',
    ],
    {
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH ?? '',
        HOST: '127.0.0.1',
        PORT: String(port),
        DB_FILE: path.join(dir, 'db.json'),
        SESSION_SECRET: randomBytes(32).toString('base64url'),
        LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    },
  );
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilHealthy(url, child, () => output);
  } catch (error) {
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw error;
  }

  const ask = (message: HookRequest) => child.send(message);
  return {
    url,
    pid: child.pid!,
    child,
    startLoopDelay: () => ask({ type: 'loop-delay:start' }),
    async stopLoopDelay() {
      const answer = once(child, 'message') as Promise<[{ delay: LoopDelay }]>;
      ask({ type: 'loop-delay:stop' });
      return (await answer)[0].delay;
    },
    async stop() {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
