import { availableParallelism, cpus, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LoopDelay } from './support/loop-delay-hook.ts';
import { probe, type ProbeResult } from './support/probe.ts';
import { startBenchServer, type BenchServer } from './support/server.ts';
import { singleThreadComparesPerSecond } from './support/single-thread.ts';
import { loginStorm, type StormResult } from './support/storm.ts';
import { formatHashingTable } from './support/hashing-table.ts';

// Password hashing under load, on the real server process: how many logins per second
// the worker pool reaches against one thread of bcryptjs, and whether other requests
// are still answered promptly while logins run on every core. Two windows, never
// overlapping, because the load generator shares the cores with the server.

export interface HashingOptions {
  /** bcrypt work factor of the server under test. @default 12 */
  cost: number;
  /** Hashing threads of the pool. @default os.availableParallelism() */
  threads: number;
  /** Length of the throughput window (the storm alone). @default 10 */
  throughputSeconds: number;
  /** Length of each probe window (idle, then during a storm). @default 5 */
  probeSeconds: number;
  /** Requests per second of the GET /api/me probe. @default 200 */
  probeRate: number;
}

export interface HashingRun {
  hashWorkers: number;
  /** Window 1: a login storm with nothing else running. */
  throughput: StormResult;
  idle: { me: ProbeResult; loop: LoopDelay };
  /** Window 2: the probe and the loop-delay measurement during a login storm. */
  storm: { me: ProbeResult; loop: LoopDelay; logins: StormResult };
}

export interface HashingResult {
  options: HashingOptions;
  /** Load averages (1, 5, 15 min) at the start and the end: other work on the machine skews every figure. */
  machine: { cpu: string; cores: number; node: string; loadAverage: number[]; loadAverageAfter: number[] };
  /** bcryptjs compares per second on one thread, in the benchmark's own process. */
  singleThread: number;
  pool: HashingRun;
  mainThread: HashingRun;
}

export const defaultHashingOptions: HashingOptions = {
  cost: 12,
  threads: availableParallelism(),
  throughputSeconds: 10,
  probeSeconds: 5,
  probeRate: 200,
};

const benchUser = { username: 'bench', password: 'correct horse battery' };

const post = (url: string, path: string) =>
  fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(benchUser),
  });

/** Logs the bench user in; returns `session=<value>` for the probe. */
async function logIn(url: string): Promise<string> {
  const login = await post(url, '/api/login');
  const cookie = login.headers.getSetCookie().find((line) => line.startsWith('session='));
  if (login.status !== 200 || !cookie) throw new Error(`login answered ${login.status} without a cookie`);
  return cookie.slice(0, cookie.indexOf(';'));
}

async function signUp(url: string): Promise<string> {
  const registered = await post(url, '/api/register');
  if (registered.status !== 201) throw new Error(`register answered ${registered.status}`);
  return logIn(url);
}

async function measureRun(hashWorkers: number, options: HashingOptions): Promise<HashingRun> {
  const server: BenchServer = await startBenchServer({
    BCRYPT_COST: String(options.cost),
    HASH_WORKERS: String(hashWorkers),
  });
  try {
    const cookie = await signUp(server.url);
    const me = (seconds: number) =>
      probe(server.url, { path: '/api/me', cookie, ratePerSecond: options.probeRate, seconds });
    const storm = (seconds: number) =>
      loginStorm(server.url, { ...benchUser, connections: 2 * options.threads, seconds });

    await me(1); // warm-up: the first requests pay for compiling the route
    server.startLoopDelay();
    const idleMe = await me(options.probeSeconds);
    const idle = { me: idleMe, loop: await server.stopLoopDelay() };

    const throughput = await storm(options.throughputSeconds);
    // autocannon stops without waiting for the logins still queued in the server; one
    // more login waits behind them, so the next window starts on an idle server.
    await logIn(server.url);
    await sleep(500);

    const logins = storm(options.probeSeconds + 2);
    await sleep(1000); // let the storm fill every thread before measuring
    server.startLoopDelay();
    const stormMe = await me(options.probeSeconds);
    const stormLoop = await server.stopLoopDelay();
    return { hashWorkers, throughput, idle, storm: { me: stormMe, loop: stormLoop, logins: await logins } };
  } finally {
    await server.stop();
  }
}

/** Runs both servers (pool, then main thread) one after the other; about a minute at the defaults. */
export async function measureHashing(overrides: Partial<HashingOptions> = {}): Promise<HashingResult> {
  const options = { ...defaultHashingOptions, ...overrides };
  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown CPU',
    cores: availableParallelism(),
    node: process.version,
    loadAverage: loadavg(),
    loadAverageAfter: [] as number[],
  };
  const singleThread = singleThreadComparesPerSecond(options.cost, 3);
  const pool = await measureRun(options.threads, options);
  const mainThread = await measureRun(0, options);
  machine.loadAverageAfter = loadavg();
  return { options, machine, singleThread, pool, mainThread };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await measureHashing();
  console.log(formatHashingTable(result));
}
