import type { LogLevel } from './config.ts';

// One line per event, to stderr. Callers pass facts, never secrets, cookie values or
// passwords: a spec captures the logs of a whole journey and searches them.

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export function createLogger(
  level: LogLevel,
  write: (line: string) => void = (line) => process.stderr.write(line + '\n'),
): Logger {
  const at =
    (lineLevel: Exclude<LogLevel, 'silent'>) =>
    (message: string): void => {
      if (rank[lineLevel] >= rank[level]) write(`${lineLevel.padEnd(5)} ${message}`);
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
