// The lab page: seven panels over the JSON API. It shows nothing the API would not show to
// this same browser, and it never sees the session cookie itself.
import { accountPanel } from './lab/account.js';
import { api, problem } from './lab/api.js';
import { cookiePanel } from './lab/cookie.js';
import { leakPanel } from './lab/leak.js';
import { notesPanel } from './lab/notes.js';
import { replayPanel } from './lab/replay.js';
import { storePanel } from './lab/store.js';
import { wirePanel } from './lab/wire.js';

let state = { status: null, report: null, problem: null };
const renders = [];

/**
 * Asks the server where this browser stands and redraws every panel. The status route
 * answers 200 logged in or not, so merely loading the page provokes no 4xx.
 */
async function refresh() {
  const status = await api('GET', '/api/session/status');
  let report = null;
  if (status.ok && status.body.authenticated) {
    const session = await api('GET', '/api/session');
    if (session.ok) report = session.body;
  }
  state = { status: status.ok ? status.body : null, report, problem: status.ok ? null : problem(status) };
  for (const render of renders) render(state);
  return state;
}

// The wire panel first, so it hears the page's very first requests.
for (const panel of [wirePanel, accountPanel, cookiePanel, notesPanel, replayPanel, leakPanel]) {
  renders.push(panel({ refresh }));
}

await Promise.all([refresh(), storePanel()]);
document.body.dataset.ready = 'true';
