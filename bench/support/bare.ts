import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { profileHookArgs } from './profile.ts';

export interface BareServer {
  url: string;
  pid: number;
  /** The process itself, for profileTarget (bench/support/profile.ts). */
  child: ChildProcess;
  stop(): Promise<void>;
}

const repoRoot = path.resolve(import.meta.dirname, '../..');

/** Starts bench/support/bare-server.ts in its own process, as the real server runs in its own. */
export async function startBareServer(): Promise<BareServer> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', ...profileHookArgs, 'bench/support/bare-server.ts'],
    {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', PORT: '0' },
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the bare server exited with ${code}`)));
    setTimeout(() => reject(new Error('the bare server did not start within 30 s')), 30_000).unref();
  });
  return {
    url,
    pid: child.pid!,
    child,
    async stop() {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
