import type { Logger } from './log.ts';
import { StartupError } from './startup-error.ts';

// What every client of an outside service shares (the session stores, the PostgreSQL user
// store, the shared throttle store): one deadline, enforced by the app itself; one start-up
// error; one way to describe a failure without leaking a password; one way to log an outage.

/**
 * The longest the app waits for any answer from a store (sessions, users, throttle counters). A client library's own
 * timeout is not enough: @redis/client 6.3.1 drops a command's timeout once the command is
 * written to the socket, so a stalled Redis (SIGSTOP, a half-dead network) would hold the
 * request for ever. Under 2 s, so that a request that meets a stalled store answers 503
 * within 2 s even with the little work done before its first store call.
 */
export const storeDeadlineMs = 1_500;

/** Resolves with the promise, or rejects once ms have passed: nothing waits on a dead store. */
export function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A ping's verdict: whether the call answered within ms, never a rejection. */
export function answersWithin(ms: number, call: Promise<unknown>): Promise<boolean> {
  return within(ms, call).then(
    () => true,
    () => false,
  );
}

/**
 * A store the configuration names did not answer at start-up. index.ts prints the message
 * as one line and exits 1: a server that cannot keep what it needs should not pretend to run.
 */
export class StoreUnreachableError extends StartupError {
  /** `shown` replaces the redacted URL for a value that is not a URL (MEMCACHED_SERVERS' host:port list). */
  constructor(variable: string, url: string, cause: unknown, shown = redactUrl(url)) {
    super(`${variable}: cannot reach ${shown} (${reasonOf(cause)})`);
  }
}

/** The URL without its password, fit for a log line or an error message. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    // An unparsable value may still hold a password somewhere: show none of it.
    return '(a value that is not a URL)';
  }
}

/** The shortest useful description of a connection failure: the code, else the message. */
export function reasonOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return reasonOf(error.errors[0]);
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  // A system error's code (ECONNREFUSED) says it all; a PostgreSQL SQLSTATE does not.
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
  return typeof message === 'string' && message !== '' ? message.split('\n')[0]! : String(error);
}

/**
 * An outage told once, however many calls meet it: the first failure logs `lostLine`, the
 * first answer after it logs `backLine`, and the calls between add nothing. Each returns
 * whether it changed the state, for a caller that starts or stops probing on it.
 */
export function outageLog(log: Logger, lostLine: (reason: string) => string, backLine: string) {
  let lost = false;
  return {
    get lost(): boolean {
      return lost;
    },
    failed(reason: string): boolean {
      if (lost) return false;
      lost = true;
      log.warn(lostLine(reason));
      return true;
    },
    answered(): boolean {
      if (!lost) return false;
      lost = false;
      log.info(backLine);
      return true;
    },
  };
}
