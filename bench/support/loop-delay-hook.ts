import { monitorEventLoopDelay } from 'node:perf_hooks';

// Loaded into the real server process by the benchmark only (`--import`), never by
// `npm start`: it measures the event loop's delay from inside and answers over the IPC
// channel the benchmark opened. Production carries no measuring code.

/** How often the loop is sampled; fastify's under-pressure uses the same. */
export const samplingMs = 10;

export interface LoopDelay {
  /** Milliseconds the loop was late, beyond the sampling interval. */
  p50: number;
  p99: number;
  max: number;
  samples: number;
}

export type HookRequest = { type: 'loop-delay:start' } | { type: 'loop-delay:stop' };

const histogram = monitorEventLoopDelay({ resolution: samplingMs });
// Each sample is the whole interval between two timer turns: subtract the interval to
// keep only the lateness.
const lateMs = (ns: number) => Math.max(0, ns / 1e6 - samplingMs);

if (process.send) {
  process.on('message', (message: HookRequest) => {
    if (message.type === 'loop-delay:start') {
      histogram.reset();
      histogram.enable();
    } else if (message.type === 'loop-delay:stop') {
      histogram.disable();
      const delay: LoopDelay = {
        p50: lateMs(histogram.percentile(50)),
        p99: lateMs(histogram.percentile(99)),
        max: lateMs(histogram.max),
        samples: histogram.count,
      };
      process.send!({ type: 'loop-delay', delay });
    }
  });
  // The channel must not keep a server alive that was told to stop.
  process.channel?.unref();
}
