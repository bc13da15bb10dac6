import { pathToFileURL } from 'node:url';
import { startBenchServer } from './support/server.ts';
import { median } from './support/throughput.ts';

// One address floods the login route with successful logins (never throttled, since
// they succeed) while another address logs in once at a time: how much longer does the
// other's login take than on an idle server? The hashing turns (server/http/hash-turns.ts)
// aim at ≤ 2×. `npm run bench:fairness` runs it alone; `npm run bench` includes it.

export interface FairnessOptions {
  /** bcrypt work factor of the server under test. @default 10 */
  cost: number;
  /** Parallel clients of the flooding address, each logging in again and again. @default 20 */
  flooders: number;
  /** Logins of the other address timed in each window, one at a time. @default 15 */
  samples: number;
}

export interface FairnessResult {
  options: FairnessOptions;
  /** Median login of the other address on an idle server, in ms. */
  idleMs: number;
  /** Median login of the other address while one address floods, in ms. */
  floodMs: number;
  /** floodMs over idleMs: the target is ≤ 2. */
  ratio: number;
  /** Successful logins of the flooding address per second during the window. */
  floodLoginsPerSecond: number;
  /** Answers other than 200 to either address. */
  failures: number;
}

export const fairnessTarget = 2;

const flooder = { username: 'flooder', password: 'correct horse battery' };
const other = { username: 'other', password: 'another fine password' };

export async function measureFairness(options: Partial<FairnessOptions> = {}): Promise<FairnessResult> {
  const settings: FairnessOptions = { cost: 10, flooders: 20, samples: 15, ...options };
  // TRUST_PROXY so that X-Forwarded-For gives each client its own address on loopback.
  const server = await startBenchServer({ BCRYPT_COST: String(settings.cost), TRUST_PROXY: '1' });
  let failures = 0;
  const post = async (path: string, from: string, body: object): Promise<number> => {
    const res = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
      body: JSON.stringify(body),
    });
    await res.arrayBuffer();
    return res.status;
  };
  const timedLogin = async (): Promise<number> => {
    const started = performance.now();
    if ((await post('/api/login', '2001:db8:1::7', other)) !== 200) failures++;
    return performance.now() - started;
  };
  const sample = async (): Promise<number> => {
    const times: number[] = [];
    for (let i = 0; i < settings.samples; i++) times.push(await timedLogin());
    return median(times);
  };
  try {
    for (const user of [flooder, other]) await post('/api/register', '198.51.100.1', user);
    await timedLogin(); // warm-up: the first login pays for code paths loaded once
    const idleMs = await sample();

    let flooding = true;
    let floodLogins = 0;
    const flood = async () => {
      while (flooding) {
        if ((await post('/api/login', '203.0.113.1', flooder)) === 200) floodLogins++;
        else failures++;
      }
    };
    const clients = Array.from({ length: settings.flooders }, flood);
    // Let the flood fill the queue before the first timed login.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const started = performance.now();
    const floodMs = await sample();
    const seconds = (performance.now() - started) / 1000;
    const counted = floodLogins;
    flooding = false;
    await Promise.all(clients);
    return {
      options: settings,
      idleMs,
      floodMs,
      ratio: floodMs / idleMs,
      floodLoginsPerSecond: counted / seconds,
      failures,
    };
  } finally {
    await server.stop();
  }
}

export function fairnessLine(result: FairnessResult): string {
  const { options: o } = result;
  return `Another address's login while one address floods with ${o.flooders} parallel successful logins (cost ${o.cost}): median ${result.floodMs.toFixed(0)} ms against ${result.idleMs.toFixed(0)} ms idle (median of ${o.samples} each), ratio ${result.ratio.toFixed(2)}× (target ≤ ${fairnessTarget}×); the flood got ${result.floodLoginsPerSecond.toFixed(1)} logins/s; ${result.failures} failures.`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(fairnessLine(await measureFairness()));
}
