import { StartupError } from '../../startup-error.ts';
import { SessionStoreUnavailableError } from '../errors.ts';

/**
 * The store named by SESSION_STORE did not answer at start-up. index.ts prints the message
 * as one line and exits 1: a server that cannot keep sessions should not pretend to run.
 */
export class StoreUnreachableError extends StartupError {
  /** `shown` replaces the redacted URL for a value that is not a URL (MEMCACHED_SERVERS' host:port list). */
  constructor(variable: string, url: string, cause: unknown, shown = redactUrl(url)) {
    super(`${variable}: cannot reach ${shown} (${reasonOf(cause)})`);
  }
}

/** A protected route while the store is down: 503 over HTTP, the client may retry. */
export const storeUnavailable = (kind: string): SessionStoreUnavailableError =>
  new SessionStoreUnavailableError(kind);

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
