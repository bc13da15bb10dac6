import { Agent, request } from 'node:http';
import { createHistogram } from 'node:perf_hooks';

export interface ProbeResult {
  /** Milliseconds from sending the request to the end of the answer. */
  p50: number;
  p99: number;
  max: number;
  sent: number;
  /** Answers that were not 200, and requests that failed. */
  failures: number;
}

/**
 * Sends `GET path` at a steady rate, one request every 1000/rate ms whether or not the
 * earlier ones were answered (an open loop: a stalled server cannot slow the probe down
 * and hide its own stall). autocannon's rate limit would not do: it sends each second's
 * quota in one burst, then waits.
 */
export async function probe(
  url: string,
  options: { path: string; cookie: string; ratePerSecond: number; seconds: number },
): Promise<ProbeResult> {
  // No cap on sockets: a cap would queue requests in the probe and count that as latency.
  const agent = new Agent({ keepAlive: true });
  const histogram = createHistogram();
  const count = Math.round(options.ratePerSecond * options.seconds);
  const intervalMs = 1000 / options.ratePerSecond;
  let failures = 0;

  const one = () =>
    new Promise<void>((resolve) => {
      const sent = process.hrtime.bigint();
      const req = request(`${url}${options.path}`, { agent, headers: { cookie: options.cookie } }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode === 200) histogram.record(Number(process.hrtime.bigint() - sent) || 1);
          else failures++;
          resolve();
        });
      });
      req.on('error', () => {
        failures++;
        resolve();
      });
      req.end();
    });

  const inFlight: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    // Paced against the start, not the previous send, so timer lateness does not drift.
    const wait = start + i * intervalMs - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(one());
  }
  await Promise.all(inFlight);
  agent.destroy();
  const ms = (ns: number) => ns / 1e6;
  return {
    p50: ms(histogram.percentile(50)),
    p99: ms(histogram.percentile(99)),
    max: ms(histogram.max),
    sent: count,
    failures,
  };
}
