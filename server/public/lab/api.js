// Every call the page makes goes through here: same-origin JSON, and a refused or failed
// request comes back as a result to show, never as an exception.

const wireListeners = [];

/** Calls `listener` with what the server reported of each request's cookie headers (lab mode). */
export const onWire = (listener) => wireListeners.push(listener);

/** The Cookie header's size from `Server-Timing: cookie;desc=<bytes>`, or null without the lab. */
export function cookieBytesOf(serverTiming) {
  const match = /(?:^|,)\s*cookie;desc="?(\d+)"?/.exec(serverTiming ?? '');
  return match ? Number(match[1]) : null;
}

function reportWire(method, path, res) {
  const sent = cookieBytesOf(res.headers.get('Server-Timing'));
  if (sent === null) return;
  let answered = [];
  try {
    answered = JSON.parse(res.headers.get('X-Lab-Set-Cookie') ?? '[]');
  } catch {
    answered = [];
  }
  const entry = {
    method,
    path,
    status: res.status,
    sent,
    cookies: res.headers.get('X-Lab-Cookie'),
    // Which process answered: behind a load balancer, the requests of one page spread out.
    instance: res.headers.get('X-Instance'),
    answered,
  };
  for (const listener of wireListeners) listener(entry);
}

/**
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<{ok: boolean, status: number, body: any, headers: Headers}>}
 */
export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch {
    const message = 'The server did not answer. Is it still running?';
    return { ok: false, status: 0, body: { error: 'network', message }, headers: new Headers() };
  }
  reportWire(method, path, res);
  const json = (res.headers.get('Content-Type') ?? '').includes('application/json');
  const data = json ? await res.json().catch(() => ({})) : {};
  return { ok: res.ok, status: res.status, body: data, headers: res.headers };
}

/** One sentence for a person about a request the server refused or could not answer. */
export function problem({ status, body, headers }) {
  const said = typeof body?.message === 'string' ? body.message : '';
  if (status === 0) return said;
  if (status === 429) {
    const wait = headers.get('Retry-After');
    const when = wait ? ` Try again in ${wait} seconds.` : ' Wait a little, then try again.';
    return `Too many attempts: the server is slowing this down on purpose.${when}`;
  }
  if (status === 403) return `Refused (403): ${said || 'the server will not do this for this page.'}`;
  if (status === 503) {
    return `The session store is not answering (503). ${said} Whoever runs the server needs to start it.`;
  }
  if (status >= 500) return 'Something went wrong on the server (500); its log says what.';
  return said || `The server answered ${status}.`;
}

/** Whether this server keeps the session in the cookie itself (the cookie store) or only an id. */
export const inCookie = (store) => store === 'cookie';

/** Why a cookie was refused, for the reasons GET /api/session and the replay lab give, in the store's terms. */
export function explainReason(reason, store) {
  switch (reason) {
    case 'invalid':
      return inCookie(store) || !store
        ? 'it does not open with any key the server holds: edited, cut short, or sealed with a key that was retired'
        : 'its signature matches no key the server holds: edited, cut short, or signed with a key that was retired';
    case 'expired_idle':
      return 'it went unused for longer than the idle timeout';
    case 'expired_absolute':
      return 'it is older than the absolute lifetime, however active it was';
    case 'revoked':
      return inCookie(store) || !store
        ? 'its user logged out everywhere (or changed the password) after it was issued'
        : 'its user logged out everywhere or changed the password, or the account no longer exists';
    case 'unknown_session':
      return 'the server has no session with that id: a logout deleted it (and every copy died with it), it expired or was evicted, or it never existed';
    default:
      return reason;
  }
}
