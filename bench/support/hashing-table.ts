import type { HashingResult, HashingRun } from '../hashing.ts';
import { samplingMs } from './loop-delay-hook.ts';

/** The targets of issue 5, part 1; they apply to the pool, the main thread is the contrast. */
export const hashingTargets = {
  /** Pool logins per second over one thread's bcryptjs compares per second, at least. */
  throughputRatio: 1.8,
  /** Event-loop delay p99 during a login storm, below, in ms. */
  loopDelayP99Ms: 10,
  /** GET /api/me p99 during a storm over its idle p99, below. */
  meP99Ratio: 3,
};

export interface HashingVerdict {
  throughputRatio: number;
  loopDelayP99Ms: number;
  meP99Ratio: number;
  met: { throughputRatio: boolean; loopDelayP99Ms: boolean; meP99Ratio: boolean };
}

export function judgeHashing(result: HashingResult): HashingVerdict {
  const { pool, singleThread } = result;
  const throughputRatio = pool.throughput.loginsPerSecond / singleThread;
  const loopDelayP99Ms = pool.storm.loop.p99;
  const meP99Ratio = pool.storm.me.p99 / pool.idle.me.p99;
  return {
    throughputRatio,
    loopDelayP99Ms,
    meP99Ratio,
    met: {
      throughputRatio: throughputRatio >= hashingTargets.throughputRatio,
      loopDelayP99Ms: loopDelayP99Ms < hashingTargets.loopDelayP99Ms,
      meP99Ratio: meP99Ratio < hashingTargets.meP99Ratio,
    },
  };
}

const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 0)} ms`;
const times = (value: number) => `${value.toFixed(2)}×`;
const loads = (values: number[]) => values.map((n) => n.toFixed(2)).join(' ');
const verdict = (met: boolean) => (met ? 'met' : '**not met**');

function cells(run: HashingRun, singleThread: number): string[] {
  const failures =
    run.throughput.failures + run.storm.logins.failures + run.idle.me.failures + run.storm.me.failures;
  return [
    `${run.throughput.loginsPerSecond.toFixed(2)} (${times(run.throughput.loginsPerSecond / singleThread)} one thread)`,
    ms(run.idle.loop.p99),
    ms(run.storm.loop.p99),
    ms(run.idle.me.p99),
    `${ms(run.storm.me.p99)} (${times(run.storm.me.p99 / run.idle.me.p99)} idle)`,
    `${run.storm.logins.loginsPerSecond.toFixed(2)}`,
    String(failures),
  ];
}

/** A Markdown table, ratios first, then the machine the absolute figures come from. */
export function formatHashingTable(result: HashingResult): string {
  const { options, machine, singleThread, pool, mainThread } = result;
  const judged = judgeHashing(result);
  const rows: [string, string][] = [
    [
      `logins/s at cost ${options.cost}, storm alone`,
      `≥ ${hashingTargets.throughputRatio}× one thread: ${verdict(judged.met.throughputRatio)}`,
    ],
    ['event-loop delay p99, idle', ''],
    [
      'event-loop delay p99, login storm',
      `< ${hashingTargets.loopDelayP99Ms} ms: ${verdict(judged.met.loopDelayP99Ms)}`,
    ],
    [`GET /api/me p99 at ${options.probeRate}/s, idle`, ''],
    [
      `GET /api/me p99 at ${options.probeRate}/s, login storm`,
      `< ${hashingTargets.meP99Ratio}× idle: ${verdict(judged.met.meP99Ratio)}`,
    ],
    ['logins/s during the storm window', ''],
    ['failed requests (all windows)', ''],
  ];
  const poolCells = cells(pool, singleThread);
  const mainCells = cells(mainThread, singleThread);
  const lines = [
    `| cost ${options.cost} | worker pool (HASH_WORKERS=${pool.hashWorkers}) | main thread (HASH_WORKERS=0) | target (pool) |`,
    '|---|---|---|---|',
    ...rows.map(([name, target], i) => `| ${name} | ${poolCells[i]} | ${mainCells[i]} | ${target} |`),
    '',
    `One thread of bcryptjs: ${singleThread.toFixed(2)} compares/s at cost ${options.cost}.`,
    `Event-loop delay: monitorEventLoopDelay in the server process, less its ${samplingMs} ms sampling interval.`,
    `Windows: storm alone ${options.throughputSeconds} s with ${2 * options.threads} connections; probes ${options.probeSeconds} s each.`,
    `Machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; load average ${loads(machine.loadAverage)} at the start, ${loads(machine.loadAverageAfter)} at the end.`,
  ];
  return lines.join('\n');
}
