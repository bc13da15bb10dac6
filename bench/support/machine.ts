import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';

export interface Machine {
  /** `nproc`: the cores this process may use. */
  cores: number;
  cpu: string;
  node: string;
  /** 1-minute load average at the start and the end: other work skews every absolute figure. */
  loadAverage: { start: number; end: number };
}

function cpuModel(): string {
  try {
    const line = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    return line?.[1]?.trim() ?? 'unknown CPU';
  } catch {
    return 'unknown CPU';
  }
}

export function describeMachine(): Machine {
  return {
    cores: availableParallelism(),
    cpu: cpuModel(),
    node: process.version,
    loadAverage: { start: loadavg()[0]!, end: Number.NaN },
  };
}
