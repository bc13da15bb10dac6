import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export interface Running {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/** Starts the real server process (server/index.ts) with the given environment. */
export function startServer(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', BCRYPT_COST: '4', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Waits for the "listening on" line and returns the URL it names. */
export async function startListening(env: Record<string, string>): Promise<Running> {
  const child = startServer(env);
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
  });
  return { child, url, output: () => output };
}

/**
 * Runs the server to its exit and returns the exit code and everything it printed. A
 * server still running after `timeoutMs` is killed and the call fails, output included:
 * a regression that keeps it running fails its spec instead of hanging the whole suite.
 */
export async function runToExit(
  env: Record<string, string>,
  timeoutMs = 20_000,
): Promise<{ code: number | null; output: string }> {
  const child = startServer(env);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  clearTimeout(timer);
  if (signal === 'SIGKILL') throw new Error(`the server was still running after ${timeoutMs} ms: ${output}`);
  return { code, output };
}
