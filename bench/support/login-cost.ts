import { availableParallelism } from 'node:os';
import { startBenchServer } from './server.ts';
import { logIn, signUp, benchUser } from './sessions.ts';
import { loginStorm } from './storm.ts';
import { median } from './throughput.ts';

export interface LoginCost {
  cost: number;
  /** Median time of one login alone on an idle server, in ms. */
  loginMs: number;
  /** Successful logins per second with every hashing thread busy. */
  loginsPerSecond: number;
  failures: number;
}

/** One login at a time, then a storm: per-login time and throughput at one bcrypt cost. */
export async function measureLoginCost(cost: number, seconds: number): Promise<LoginCost> {
  const server = await startBenchServer({ BCRYPT_COST: String(cost) });
  try {
    await signUp(server.url);
    // Fewer at cost 14 (nearly a second each): the bench stays within minutes.
    const count = cost >= 14 ? 3 : 5;
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      await logIn(server.url);
      times.push(performance.now() - started);
    }
    const storm = await loginStorm(server.url, {
      ...benchUser,
      connections: 2 * availableParallelism(),
      seconds,
    });
    return { cost, loginMs: median(times), loginsPerSecond: storm.loginsPerSecond, failures: storm.failures };
  } finally {
    await server.stop();
  }
}
