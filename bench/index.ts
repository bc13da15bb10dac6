// npm run bench: every performance figure of cookie-lab in one run, on 127.0.0.1.
// Starts its own servers (the real server/index.ts per store, and a bare Express server),
// uses Redis and PostgreSQL when they answer (a store whose service is down is skipped
// with its reason), runs each load alone, prints the tables, and writes
// bench/results.json (raw, git-ignored) and docs/benchmarks.md. About 6 minutes on 2 cores.
// Exit code 0 whether or not a target is met (the tables say which); 1 when a
// measurement could not be made.
import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { writeBenchmarksDoc, writeStoreRow } from './docs.ts';
import { measureFairness } from './fairness.ts';
import { measureHashing } from './hashing.ts';
import { measureLoginTiming } from './login-timing.ts';
import { measureScaleOut, scaleOutLines } from './scale-out.ts';
import { measureLoginCost } from './support/login-cost.ts';
import { describeMachine } from './support/machine.ts';
import { machineLine, tables, type BenchResults } from './support/report.ts';
import { measureStores } from './support/stores.ts';

/** The whole run stops with an error after this long, whatever hangs. */
const deadlineMs = 15 * 60 * 1000;

async function main(): Promise<void> {
  const startedAt = new Date();
  const machine = describeMachine();
  const step = (name: string) =>
    console.log(`[${Math.round((Date.now() - startedAt.getTime()) / 1000)} s] ${name}`);

  step('GET throughput and memory, every store');
  const stores = await measureStores({ rounds: 3, seconds: 4, warmUpSeconds: 2, sessions: 10_000 });
  step('login at cost 10, 12, 14');
  const loginCosts = [];
  // Long enough at cost 14 for every connection to finish a few logins.
  for (const [cost, seconds] of [
    [10, 5],
    [12, 6],
    [14, 15],
  ] as const)
    loginCosts.push(await measureLoginCost(cost, seconds));
  step('login storm: worker pool, then the main thread');
  const hashing = await measureHashing({ cost: 12, throughputSeconds: 6, probeSeconds: 4 });
  step('login timing: unknown user against wrong password');
  const loginTiming = await measureLoginTiming(15, { BCRYPT_COST: '12' });
  step('login fairness: another address while one floods');
  const fairness = await measureFairness();
  step('scale-out: revocation across two instances, users in PostgreSQL against lowdb');
  // Skipped with its reason when PostgreSQL does not answer: the rest of the run stands.
  const scaleOut = await measureScaleOut({ trials: 200, rounds: 3, seconds: 4, warmUpSeconds: 2 }).catch(
    (error: unknown) => (error instanceof Error ? error.message.split('\n')[0]! : String(error)),
  );
  machine.loadAverage.end = loadavg()[0]!;

  const results: BenchResults = {
    startedAt: startedAt.toISOString(),
    seconds: (Date.now() - startedAt.getTime()) / 1000,
    machine,
    stores,
    loginCosts,
    hashing,
    loginTiming,
    fairness,
  };
  await writeFile('bench/results.json', JSON.stringify(results, null, 2) + '\n');
  await writeBenchmarksDoc(results);
  await writeStoreRow(results);
  for (const [name, table] of Object.entries(tables(results))) console.log(`\n${name}\n${table}`);
  console.log(
    `\nscale-out\n${typeof scaleOut === 'string' ? `skipped: ${scaleOut}` : scaleOutLines(scaleOut)}`,
  );
  console.log(`\n${machineLine(results)}`);
  console.log(
    '\nwrote bench/results.json, docs/benchmarks.md and the requests-per-second row of docs/session-stores.md',
  );
}

const watchdog = setTimeout(() => {
  console.error(`npm run bench: gave up after ${deadlineMs / 60_000} minutes`);
  process.exit(1);
}, deadlineMs);
watchdog.unref();

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('npm run bench failed:', error);
    process.exit(1);
  },
);
