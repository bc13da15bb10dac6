// Panel 5: which session store this server runs, from /healthz.
import { api } from './api.js';
import { byId, say } from './dom.js';

const stores = {
  cookie:
    'The whole session travels in the cookie, encrypted and signed with SESSION_SECRET; the server keeps none of it. Every copy works until it expires or its user logs out everywhere.',
  memory:
    'The cookie carries only a signed random id; the session lives in this server process’s memory, and a restart forgets it. Logout deletes it, so every copy of the cookie dies at once.',
  redis:
    'The cookie carries only a signed random id; the session lives in Redis, shared by every server process and kept across restarts. Logout deletes it, so every copy dies at once.',
  postgres:
    'The cookie carries only a signed random id; the session is a row in PostgreSQL, shared by every server process. Logout deletes the row, so every copy dies at once.',
  memcached:
    'The cookie carries only a signed random id; the session lives in Memcached, shared by every server process, but Memcached is a cache: when its memory is full it evicts the least recently used sessions (their next request says unknown_session), and its restart loses them all. It cannot list a user’s sessions, so logging out everywhere bumps a version in the user record, as the cookie store does.',
};

export async function storePanel() {
  const result = byId('store-result');
  const res = await api('GET', '/healthz');
  const kind = res.body?.store;
  if (typeof kind !== 'string') {
    say(result, `The server did not say which store it runs (${res.status || 'no answer'}).`, 'error');
    return;
  }
  if (res.ok) {
    say(result, `This server runs SESSION_STORE=${kind}, and the store answers.`);
  } else {
    say(
      result,
      `This server runs SESSION_STORE=${kind}, but the store is not answering: logins cannot work now.`,
      'error',
    );
  }
  byId('store-explained').textContent = stores[kind] ?? '';
}
