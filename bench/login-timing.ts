// Requirement 3 of the security issue, measured: an unknown username must cost as much
// as a wrong password, or the login's timing tells which accounts exist. Starts the real
// app on 127.0.0.1 at the configured bcrypt cost (12 unless BCRYPT_COST says otherwise)
// and times both kinds of failed login, alternating them so drift hits both alike.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { boot } from '../server/boot.ts';
import { loadConfig } from '../server/config.ts';
import { createLogger } from '../server/log.ts';

export interface LoginTiming {
  bcryptCost: number;
  count: number;
  unknownUserMedianMs: number;
  wrongPasswordMedianMs: number;
  /** unknown user / wrong password: 1 means indistinguishable. */
  ratio: number;
  /** Whether the two medians are within 10 % of each other. */
  within10Percent: boolean;
}

const user = { username: 'bench-user', password: 'a bench password' };
const warmUpRounds = 3;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Times `count` failed logins of each kind against a fresh app; bounded, and stops by itself. */
export async function measureLoginTiming(
  count = 30,
  env: Record<string, string | undefined> = process.env,
): Promise<LoginTiming> {
  const dir = await mkdtemp(path.join(tmpdir(), 'cookie-lab-bench-'));
  const config = loadConfig({
    BCRYPT_COST: env.BCRYPT_COST,
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    DB_FILE: path.join(dir, 'db.json'),
    LOG_LEVEL: 'warn',
    // The throttle would answer 429 long before the sample is complete.
    LOGIN_FAILURES_PER_ACCOUNT: '1000000',
    LOGIN_FAILURES_PER_ADDRESS: '1000000',
  });
  const booted = await boot(config, createLogger(config.logLevel), {
    // A measuring run on its own temp file: a lost lock is a bug worth a crash.
    onUserFileLost: (error) => {
      throw error;
    },
  });
  const server = booted.app.listen(0, '127.0.0.1');
  try {
    await new Promise<void>((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const post = (url: string, body: object) =>
      fetch(base + url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    const timed = async (body: object): Promise<number> => {
      const started = performance.now();
      const res = await post('/api/login', body);
      await res.arrayBuffer();
      if (res.status !== 401) throw new Error(`expected 401, got ${res.status}`);
      return performance.now() - started;
    };
    const registered = await post('/api/register', user);
    if (registered.status !== 201) throw new Error(`register: ${registered.status}`);

    const unknown: number[] = [];
    const wrong: number[] = [];
    for (let round = 0; round < warmUpRounds + count; round++) {
      // Swap which kind goes first each round, so neither always follows the other.
      const unknownBody = { username: `nobody-${round}`, password: user.password };
      const wrongBody = { username: user.username, password: `wrong password ${round}` };
      let unknownMs: number;
      let wrongMs: number;
      if (round % 2 === 0) {
        unknownMs = await timed(unknownBody);
        wrongMs = await timed(wrongBody);
      } else {
        wrongMs = await timed(wrongBody);
        unknownMs = await timed(unknownBody);
      }
      if (round >= warmUpRounds) {
        unknown.push(unknownMs);
        wrong.push(wrongMs);
      }
    }
    const unknownUserMedianMs = median(unknown);
    const wrongPasswordMedianMs = median(wrong);
    const ratio = unknownUserMedianMs / wrongPasswordMedianMs;
    return {
      bcryptCost: config.bcryptCost,
      count,
      unknownUserMedianMs,
      wrongPasswordMedianMs,
      ratio,
      within10Percent: Math.abs(ratio - 1) <= 0.1,
    };
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await booted.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export function formatLoginTiming(timing: LoginTiming): string {
  return [
    `login timing: bcrypt cost ${timing.bcryptCost}, ${timing.count} failed logins of each kind, 127.0.0.1`,
    `  unknown user    median ${timing.unknownUserMedianMs.toFixed(1)} ms`,
    `  wrong password  median ${timing.wrongPasswordMedianMs.toFixed(1)} ms`,
    `  ratio (unknown / wrong) ${timing.ratio.toFixed(3)}: ${timing.within10Percent ? 'within' : 'NOT within'} 10 %`,
  ].join('\n');
}

async function main(): Promise<void> {
  const flag = process.argv.indexOf('--count');
  const count = flag === -1 ? 30 : Number(process.argv[flag + 1]);
  if (!Number.isInteger(count) || count < 1 || count > 1000) {
    console.error('usage: npm run bench:login -- [--count N]   (1..1000, default 30)');
    process.exit(1);
  }
  const timing = await measureLoginTiming(count);
  console.log(formatLoginTiming(timing));
  if (!timing.within10Percent) process.exitCode = 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error('bench:login failed:', error);
    process.exit(1);
  });
}
