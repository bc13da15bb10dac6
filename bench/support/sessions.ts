import { rssBytes } from './process-stats.ts';

export const benchUser = { username: 'bench', password: 'correct horse battery' };

async function post(url: string, path: string): Promise<Response> {
  return fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(benchUser),
  });
}

/** Logs the bench user in; returns the whole Set-Cookie line of the session cookie. */
export async function logIn(url: string): Promise<string> {
  const res = await post(url, '/api/login');
  await res.arrayBuffer();
  const line = res.headers.getSetCookie().find((header) => header.startsWith('session='));
  if (res.status !== 200 || !line) throw new Error(`login answered ${res.status} without a cookie`);
  return line;
}

/** Registers the bench user, logs in, and returns `session=<value>` for a Cookie header. */
export async function signUp(url: string): Promise<{ cookie: string; setCookieBytes: number }> {
  const registered = await post(url, '/api/register');
  await registered.arrayBuffer();
  if (registered.status !== 201) throw new Error(`register answered ${registered.status}`);
  const line = await logIn(url);
  return { cookie: line.slice(0, line.indexOf(';')), setCookieBytes: Buffer.byteLength(line) };
}

export interface SessionsMemory {
  sessions: number;
  rssBefore: number;
  rssAfter: number;
  seconds: number;
}

/**
 * Opens `count` sessions (a login each) and uses each once (GET /api/me with its own
 * cookie, so a store that keeps anything per cookie it has seen keeps it), `concurrency`
 * at a time; then reads the server's resident memory.
 */
export async function openSessions(
  url: string,
  pid: number,
  options: { count: number; concurrency: number },
): Promise<SessionsMemory> {
  const rssBefore = await rssBytes(pid);
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < options.count) {
      next++;
      const line = await logIn(url);
      const me = await fetch(`${url}/api/me`, { headers: { cookie: line.slice(0, line.indexOf(';')) } });
      await me.arrayBuffer();
      if (me.status !== 200) throw new Error(`GET /api/me answered ${me.status} with a fresh cookie`);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  // Let timers (a store's sweep, the pool's idle threads) settle before reading.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  return { sessions: options.count, rssBefore, rssAfter: await rssBytes(pid), seconds };
}
