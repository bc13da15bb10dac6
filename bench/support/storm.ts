import autocannon, { type Result } from 'autocannon';

export interface StormResult {
  loginsPerSecond: number;
  logins: number;
  /** Answers other than 2xx, and connection errors (timeouts among them). */
  failures: number;
  seconds: number;
}

/**
 * Logs one user in again and again from `connections` clients for `seconds`, with
 * autocannon. Enough connections keep every hashing thread busy.
 */
export async function loginStorm(
  url: string,
  options: { username: string; password: string; connections: number; seconds: number },
): Promise<StormResult> {
  const result: Result = await autocannon({
    url: `${url}/api/login`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: options.username, password: options.password }),
    connections: options.connections,
    duration: options.seconds,
    // A login at cost 12 takes a fifth of a second alone, longer in a queue.
    timeout: 30,
  });
  return {
    loginsPerSecond: result['2xx'] / result.duration,
    logins: result['2xx'],
    failures: result.non2xx + result.errors,
    seconds: result.duration,
  };
}
