// Panel 4: a cookie copied from devtools, replayed after logout. The page cannot read the
// cookie itself (HttpOnly), so the student pastes it, as anyone at the machine could.
import { api, explainReason, problem } from './api.js';
import { byId, once, say } from './dom.js';

// The server's own sentence says what each ending did in this store.
const endings = { logout: '/api/logout', all: '/api/logout/all' };

function verdictSentence(verdict, store) {
  if (verdict.accepted) {
    return `Replayed the pasted cookie: ACCEPTED as ${verdict.username}. Logging out only made this browser forget the cookie; the copy still opens the session until it expires, because the server keeps no list of cookie sessions to strike it from. Log in again, then try “Log out everywhere, then replay it”.`;
  }
  return `Replayed the pasted cookie: REFUSED (${verdict.reason}): ${explainReason(verdict.reason, store)}.`;
}

export function replayPanel({ refresh }) {
  const pasted = byId('replay-cookie');
  const result = byId('replay-result');
  const off = byId('replay-off');
  const buttons = {
    logout: byId('replay-logout'),
    all: byId('replay-logout-all'),
    again: byId('replay-again'),
  };

  async function run(ending) {
    const cookie = pasted.value.trim();
    if (!cookie) {
      say(result, 'Paste the value of your session cookie first (steps 1 and 2).', 'error');
      pasted.focus();
      return;
    }
    const steps = [];
    if (ending) {
      const res = await api('POST', endings[ending]);
      if (!res.ok) return say(result, problem(res), 'error');
      steps.push(res.body.message);
    }
    const res = await api('POST', '/api/lab/replay', { cookie });
    const { status } = await refresh();
    if (res.status === 404) {
      off.hidden = false;
      return say(result, [...steps, 'The replay lab is switched off on this server.'].join(' '), 'warn');
    }
    if (!res.ok) return say(result, [...steps, problem(res)].join(' '), 'error');
    // Red: a copy that outlives logout is the attacker's win; green: the server refused it.
    say(
      result,
      [...steps, verdictSentence(res.body, status?.store)].join(' '),
      res.body.accepted ? 'error' : 'ok',
    );
  }

  buttons.logout.addEventListener('click', () => once(buttons.logout, () => run('logout')));
  buttons.all.addEventListener('click', () => once(buttons.all, () => run('all')));
  buttons.again.addEventListener('click', () => once(buttons.again, () => run(null)));

  return function render({ status }) {
    const lab = status?.labEnabled !== false;
    off.hidden = lab;
    pasted.disabled = !lab;
    buttons.logout.disabled = !lab;
    buttons.again.disabled = !lab;
    // Logging out everywhere needs a session to name the account.
    buttons.all.disabled = !lab || !status?.authenticated;
  };
}
