// npm run bench:scale-out (and a step of npm run bench): two cookie-mode instances on one
// PostgreSQL user table. How long a logout-all made on A takes to be refused by B (through
// LISTEN/NOTIFY), and GET /api/me with USER_STORE=postgres against USER_STORE=lowdb.
import { pathToFileURL } from 'node:url';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { databaseUrl } from './support/backing.ts';
import { startBenchServer, type BenchServer } from './support/server.ts';
import { logIn, signUp } from './support/sessions.ts';
import { measureThroughput, type TargetFigures } from './support/throughput.ts';

/** A revocation made on A must be refused by B within this (p99). */
export const propagationTargetMs = 1_000;
/** Cookie-mode GET /api/me with users in PostgreSQL, over the same with the lowdb file. */
export const postgresMeRatioTarget = 0.9;

export interface ScaleOutResult {
  trials: number;
  /** Milliseconds from A's 200 to logout-all until B's first 401 for the copied cookie. */
  propagationMs: { p50: number; p99: number; max: number };
  lowdb: TargetFigures;
  postgres: TargetFigures;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function status(url: string, init: RequestInit = {}): Promise<number> {
  const res = await fetch(url, init);
  await res.arrayBuffer();
  return res.status;
}

/** One trial: log in on A, see the cookie accepted by B, log out everywhere on A, time B's refusal. */
async function trial(a: BenchServer, b: BenchServer): Promise<number> {
  const line = await logIn(a.url);
  const cookie = { cookie: line.slice(0, line.indexOf(';')) };
  if ((await status(`${b.url}/api/me`, { headers: cookie })) !== 200)
    throw new Error('B refused a fresh cookie');
  if ((await status(`${a.url}/api/logout/all`, { method: 'POST', headers: cookie })) !== 200)
    throw new Error('logout-all failed on A');
  const started = performance.now();
  while ((await status(`${b.url}/api/me`, { headers: cookie })) === 200) {
    if (performance.now() - started > 10_000) throw new Error('B still accepts the cookie after 10 s');
  }
  return performance.now() - started;
}

export async function measureScaleOut(options: {
  trials: number;
  rounds: number;
  seconds: number;
  warmUpSeconds: number;
}): Promise<ScaleOutResult> {
  const namespace = `cookie_lab_bench_scale_${process.pid}`;
  const shared = {
    SESSION_STORE: 'cookie',
    SESSION_NAMESPACE: namespace,
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    DATABASE_URL: databaseUrl,
    BCRYPT_COST: '4',
    LOGIN_FAILURES_PER_ACCOUNT: '1000000',
    LOGIN_FAILURES_PER_ADDRESS: '1000000',
  };
  const a = await startBenchServer({ ...shared, USER_STORE: 'postgres' });
  const b = await startBenchServer({ ...shared, USER_STORE: 'postgres' });
  const lowdb = await startBenchServer({ ...shared, USER_STORE: 'lowdb' });
  try {
    await signUp(a.url);
    const times: number[] = [];
    for (let i = 0; i < options.trials; i++) times.push(await trial(a, b));
    times.sort((x, y) => x - y);

    const { cookie } = await signUp(lowdb.url);
    const onB = (await logIn(b.url)).split(';')[0]!;
    const measured = await measureThroughput(
      { name: 'lowdb', url: `${lowdb.url}/api/me`, headers: { cookie }, pid: lowdb.pid },
      [{ name: 'postgres', url: `${b.url}/api/me`, headers: { cookie: onB }, pid: b.pid }],
      options,
    );
    return {
      trials: times.length,
      propagationMs: { p50: percentile(times, 50), p99: percentile(times, 99), max: times.at(-1)! },
      lowdb: measured.yardstick,
      postgres: measured.targets[0]!,
    };
  } finally {
    await Promise.allSettled([a.stop(), b.stop(), lowdb.stop()]);
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(`DROP TABLE IF EXISTS ${namespace}_users`);
    await client.end();
  }
}

export function scaleOutLines(result: ScaleOutResult): string {
  const { propagationMs: p, lowdb, postgres } = result;
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  const met = (ok: boolean) => (ok ? 'met' : 'MISSED');
  return [
    `revocation A -> B over ${result.trials} trials: p50 ${ms(p.p50)}, p99 ${ms(p.p99)}, max ${ms(p.max)} ` +
      `(target p99 < ${propagationTargetMs} ms: ${met(p.p99 < propagationTargetMs)})`,
    `cookie GET /api/me: USER_STORE=lowdb ${Math.round(lowdb.requestsPerSecond)} req/s, ` +
      `USER_STORE=postgres ${Math.round(postgres.requestsPerSecond)} req/s, ratio ${postgres.ratio.toFixed(2)} ` +
      `(target >= ${postgresMeRatioTarget}: ${met(postgres.ratio >= postgresMeRatioTarget)}; ` +
      `failures ${lowdb.failures} / ${postgres.failures})`,
  ].join('\n');
}

// Run alone: a short measurement.
if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  measureScaleOut({ trials: 200, rounds: 3, seconds: 4, warmUpSeconds: 2 }).then(
    (result) => {
      console.log(scaleOutLines(result));
      process.exit(0);
    },
    (error: unknown) => {
      console.error('bench:scale-out failed:', error);
      process.exit(1);
    },
  );
}
