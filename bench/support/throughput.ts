import autocannon from 'autocannon';
import { cpuMs } from './process-stats.ts';

/** One HTTP target of the throughput rounds: a GET with fixed headers, served by `pid`. */
export interface Target {
  name: string;
  url: string;
  headers: Record<string, string>;
  pid: number;
}

export interface Window {
  requestsPerSecond: number;
  /** Latency p99 in ms, as autocannon saw it. */
  p99: number;
  /** CPU time the server process spent per 1,000 answers, in ms. */
  cpuMsPer1000: number;
  /** Answers with an unexpected status, and connection errors. */
  failures: number;
}

/** 50 connections on loopback, pipelining off: the setting every figure in docs/ was measured with. */
export const connections = 50;

/** Loads one target alone for `seconds`; only 2xx answers count as requests served. */
export async function loadWindow(target: Target, seconds: number): Promise<Window> {
  const cpuBefore = await cpuMs(target.pid);
  const result = await autocannon({
    url: target.url,
    headers: target.headers,
    connections,
    duration: seconds,
    timeout: 10,
  });
  const cpu = (await cpuMs(target.pid)) - cpuBefore;
  const served = result['2xx'];
  return {
    requestsPerSecond: served / result.duration,
    p99: result.latency.p99,
    cpuMsPer1000: served ? (cpu * 1000) / served : Number.NaN,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

export interface TargetFigures {
  name: string;
  /** Median over the rounds. */
  requestsPerSecond: number;
  /** Median over the rounds of this target's req/s over the yardstick's in the same round. */
  ratio: number;
  /** Median over the rounds of this target's CPU per answer over the yardstick's: below 1 is cheaper. */
  cpuRatio: number;
  cpuMsPer1000: number;
  p99: number;
  failures: number;
  rounds: Window[];
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Median over the rounds of a's req/s over b's in the same round: two targets compared directly. */
export function ratioBetween(a: TargetFigures, b: TargetFigures): number {
  return median(a.rounds.map((window, r) => window.requestsPerSecond / b.rounds[r]!.requestsPerSecond));
}

/**
 * Loads each target in turn, one at a time (the load generator shares the cores), for
 * `rounds` rounds: every round starts with the yardstick, so each ratio compares windows
 * a few seconds apart, and drift in the machine's other load hits all targets alike.
 */
export async function measureThroughput(
  yardstick: Target,
  targets: Target[],
  options: { rounds: number; seconds: number; warmUpSeconds: number },
): Promise<{ yardstick: TargetFigures; targets: TargetFigures[] }> {
  const all = [yardstick, ...targets];
  for (const target of all) await loadWindow(target, options.warmUpSeconds);
  const windows = all.map(() => [] as Window[]);
  for (let round = 0; round < options.rounds; round++) {
    for (const [i, target] of all.entries()) windows[i]!.push(await loadWindow(target, options.seconds));
  }
  const base = windows[0]!;
  const figures = all.map((target, i): TargetFigures => {
    const rounds = windows[i]!;
    return {
      name: target.name,
      requestsPerSecond: median(rounds.map((w) => w.requestsPerSecond)),
      ratio: median(rounds.map((w, r) => w.requestsPerSecond / base[r]!.requestsPerSecond)),
      cpuRatio: median(rounds.map((w, r) => w.cpuMsPer1000 / base[r]!.cpuMsPer1000)),
      cpuMsPer1000: median(rounds.map((w) => w.cpuMsPer1000)),
      p99: median(rounds.map((w) => w.p99)),
      failures: rounds.reduce((sum, w) => sum + w.failures, 0),
      rounds,
    };
  });
  return { yardstick: figures[0]!, targets: figures.slice(1) };
}
