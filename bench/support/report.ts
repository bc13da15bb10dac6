import { fairnessLine, fairnessTarget, type FairnessResult } from '../fairness.ts';
import type { HashingResult } from '../hashing.ts';
import type { LoginTiming } from '../login-timing.ts';
import { formatHashingTable, judgeHashing } from './hashing-table.ts';
import type { LoginCost } from './login-cost.ts';
import type { Machine } from './machine.ts';
import { profileGroups } from './profile-groups.ts';
import type { TargetProfile } from './profile.ts';
import type { StoresResult } from './stores.ts';
import { ratioBetween } from './throughput.ts';

export interface BenchResults {
  startedAt: string;
  seconds: number;
  machine: Machine;
  stores: StoresResult;
  loginCosts: LoginCost[];
  hashing: HashingResult;
  loginTiming: LoginTiming;
  fairness: FairnessResult;
}

/** GET /api/me in cookie mode over the bare Express route, in the same run. */
export const meRatioTarget = 0.9;
/** GET /api/me in cookie mode over an Express app with helmet's default headers and no session. */
export const helmetRatioTarget = 0.95;

/** Cookie-mode GET /api/me over the helmet-only app and over client-sessions alone, same rounds. */
export function pipelineRatios(results: BenchResults): { helmet?: number; clientSessions?: number } {
  const me = results.stores.stores.find((store) => store.kind === 'cookie')?.me;
  if (!me) return {};
  return {
    helmet: ratioBetween(me, results.stores.helmet),
    clientSessions: ratioBetween(me, results.stores.clientSessions),
  };
}

export const x = (value: number | undefined) => (value === undefined ? '–' : `${value.toFixed(2)}×`);
const n = (value: number) => Math.round(value).toLocaleString('en');
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const verdict = (met: boolean) => (met ? 'met' : '**not met**');

export function meRatioMet(results: BenchResults): boolean {
  const cookie = results.stores.stores.find((store) => store.kind === 'cookie');
  return (cookie?.me?.ratio ?? 0) >= meRatioTarget;
}

function targetsTable(results: BenchResults): string {
  const cookie = results.stores.stores.find((store) => store.kind === 'cookie')!;
  const hashing = judgeHashing(results.hashing);
  const timing = results.loginTiming;
  const pipeline = pipelineRatios(results);
  const rows = [
    [
      'cookie-mode `GET /api/me` req/s over Express + `helmet()` (default headers) with no session',
      `≥ ${helmetRatioTarget}×`,
      x(pipeline.helmet),
      verdict((pipeline.helmet ?? 0) >= helmetRatioTarget),
    ],
    [
      'cookie-mode `GET /api/me` req/s over the client-sessions middleware alone',
      '(contrast)',
      x(pipeline.clientSessions),
      '',
    ],
    [
      'cookie-mode `GET /api/me` req/s over a bare Express JSON route',
      `≥ ${meRatioTarget}×`,
      x(cookie.me?.ratio),
      verdict(meRatioMet(results)),
    ],
    [
      `logins/s at cost ${results.hashing.options.cost}, worker pool over one thread`,
      '≥ 1.8×',
      x(hashing.throughputRatio),
      verdict(hashing.met.throughputRatio),
    ],
    [
      'event-loop delay p99 during a login storm (pool)',
      '< 10 ms',
      `${hashing.loopDelayP99Ms.toFixed(2)} ms`,
      verdict(hashing.met.loopDelayP99Ms),
    ],
    [
      '`GET /api/me` p99 during a login storm over idle (pool)',
      '< 3×',
      x(hashing.meP99Ratio),
      verdict(hashing.met.meP99Ratio),
    ],
    [
      `failed login, unknown user over wrong password (cost ${timing.bcryptCost}, median)`,
      'within 10 %',
      timing.ratio.toFixed(3),
      verdict(timing.within10Percent),
    ],
    [
      `another address's login while one floods with ${results.fairness.options.flooders} parallel logins, over idle (cost ${results.fairness.options.cost}, median)`,
      `≤ ${fairnessTarget}×`,
      x(results.fairness.ratio),
      verdict(results.fairness.ratio <= fairnessTarget),
    ],
  ];
  return [
    '| target | wanted | measured | |',
    '|---|---|---|---|',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

function throughputTable({ stores }: BenchResults): string {
  const row = (name: string, figures: StoresResult['bare'] | undefined, skipped?: string | null) =>
    figures
      ? `| ${name} | ${x(figures.ratio)} | ${x(figures.cpuRatio)} | ${n(figures.requestsPerSecond)} | ${figures.cpuMsPer1000.toFixed(0)} ms | ${figures.p99} ms | ${figures.failures} |`
      : `| ${name} | skipped: ${skipped ?? 'not measured'} | | | | | |`;
  return [
    '| `GET` | req/s over bare | CPU per answer over bare | req/s | server CPU per 1,000 answers | p99 | failures |',
    '|---|--:|--:|--:|--:|--:|--:|',
    row('bare Express JSON route (the yardstick)', stores.bare),
    row('the same route behind the app’s security headers', stores.headers),
    row('the same route behind `helmet()` with its default headers', stores.helmet),
    row('`helmet()` and the least session check, by hand (`/least`)', stores.least),
    row('client-sessions alone reading its cookie (`/client-sessions`)', stores.clientSessions),
    row('the whole app without a session (`/api/session/status`, cookie mode)', stores.noSession),
    ...stores.stores.map((store) => row(`\`/api/me\`, ${store.kind} store`, store.me, store.skipped)),
  ].join('\n');
}

function profileTable({ stores }: BenchResults): string {
  const { helmet, cookieMe: me } = stores.profiles;
  const us = (value: number) => `${value.toFixed(1)} µs`;
  const total = (profile: TargetProfile) =>
    Object.values(profile.microsecondsPerAnswer).reduce((a, b) => a + b, 0);
  return [
    '| where the main thread’s time went | `helmet()` route | cookie-mode `GET /api/me` | difference |',
    '|---|--:|--:|--:|',
    ...profileGroups.map((group) => {
      const a = helmet.microsecondsPerAnswer[group];
      const b = me.microsecondsPerAnswer[group];
      return `| ${group} | ${us(a)} | ${us(b)} | ${b >= a ? '+' : '−'}${us(Math.abs(b - a))} |`;
    }),
    `| **all** | **${us(total(helmet))}** | **${us(total(me))}** | **${x(total(me) / total(helmet))}** |`,
  ].join('\n');
}

function storesTable({ stores }: BenchResults): string {
  return [
    '| store | `Set-Cookie` at login | server RSS before → after 10,000 sessions | growth | held outside the server |',
    '|---|--:|--:|--:|--:|',
    ...stores.stores.map((store) =>
      store.skipped || !store.memory
        ? `| ${store.kind} | skipped: ${store.skipped} | | | |`
        : `| ${store.kind} | ${store.setCookieBytes} bytes | ${mb(store.memory.rssBefore)} → ${mb(store.memory.rssAfter)} | ${mb(store.memory.rssAfter - store.memory.rssBefore)} | ${store.memory.backingBytes === null ? 'nothing' : mb(store.memory.backingBytes)} |`,
    ),
  ].join('\n');
}

function loginTable({ loginCosts }: BenchResults): string {
  return [
    '| bcrypt cost | one login alone (median) | logins/s, storm of every core | failures |',
    '|--:|--:|--:|--:|',
    ...loginCosts.map(
      (row) =>
        `| ${row.cost} | ${row.loginMs.toFixed(0)} ms | ${row.loginsPerSecond.toFixed(2)} | ${row.failures} |`,
    ),
  ].join('\n');
}

/** The tables the bench prints and docs/benchmarks.md shows, ratios first. */
export function tables(results: BenchResults): Record<string, string> {
  const t = results.loginTiming;
  return {
    targets: targetsTable(results),
    throughput: throughputTable(results),
    profile: profileTable(results),
    stores: storesTable(results),
    logins: loginTable(results),
    storm: formatHashingTable(results.hashing),
    fairness: fairnessLine(results.fairness),
    timing: `Unknown user ${t.unknownUserMedianMs.toFixed(1)} ms, wrong password ${t.wrongPasswordMedianMs.toFixed(1)} ms (median of ${t.count} each, cost ${t.bcryptCost}): ratio ${t.ratio.toFixed(3)}.`,
  };
}

export function machineLine({ machine, seconds, startedAt }: BenchResults): string {
  return `${machine.cpu}, ${machine.cores} cores (\`nproc\`), Node ${machine.node}; 1-minute load average ${machine.loadAverage.start.toFixed(2)} at the start, ${machine.loadAverage.end.toFixed(2)} at the end; run of ${startedAt}, ${Math.round(seconds)} s in all.`;
}
