// Panel 1: register, log in, log out, log out everywhere, and who the server says you are.
import { api, explainReason, problem } from './api.js';
import { byId, once, say } from './dom.js';

export function accountPanel({ refresh }) {
  const form = byId('login-form');
  const fields = byId('login-fields');
  const locked = byId('login-locked');
  const username = byId('username');
  const password = byId('password');
  const result = byId('account-result');
  const who = byId('who');
  const me = byId('me');
  const logout = byId('logout');
  const logoutAll = byId('logout-all');

  const credentials = () => ({ username: username.value.trim(), password: password.value });

  async function register() {
    const res = await api('POST', '/api/register', credentials());
    if (!res.ok) return say(result, problem(res), 'error');
    say(
      result,
      `Account ${res.body.username} created: its password is stored only as a bcrypt hash. Now log in.`,
    );
  }

  async function login() {
    const res = await api('POST', '/api/login', credentials());
    if (!res.ok) return say(result, problem(res), 'error');
    password.value = '';
    say(result, `${res.body.message} The server sent a session cookie, and your browser will send it back.`);
    await refresh();
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    // Enter in a field submits with the first button, Log in.
    const button = event.submitter ?? form.querySelector('button[value="login"]');
    void once(button, button.value === 'register' ? register : login);
  });

  byId('whoami').addEventListener('click', (event) =>
    once(event.currentTarget, async () => {
      const res = await api('GET', '/api/me');
      me.hidden = !res.ok;
      if (!res.ok) return say(result, `GET /api/me: ${res.status}. ${problem(res)}`, 'error');
      me.textContent = JSON.stringify(res.body, null, 2);
      say(result, `GET /api/me: the server read your cookie and says you are ${res.body.username}.`);
      // The request may have pushed the idle deadline back: panel 2 shows the new one.
      await refresh();
    }),
  );

  // The server's own sentence says what logout did in this store (the cookie forgotten,
  // or the session deleted); the page only adds where to look next.
  const end = (path, next) => (event) =>
    once(event.currentTarget, async () => {
      const res = await api('POST', path);
      say(result, res.ok ? `${res.body.message} ${next}` : problem(res), res.ok ? 'ok' : 'error');
      await refresh();
    });
  logout.addEventListener(
    'click',
    end('/api/logout', 'Would a copy made before still work? Panel 4 finds out.'),
  );
  logoutAll.addEventListener('click', end('/api/logout/all', 'Panel 4 replays a copy to check.'));

  return function render({ status, problem: trouble }) {
    if (!status) {
      say(who, trouble, 'error');
    } else if (status.authenticated) {
      say(who, `Logged in as ${status.username}.`);
    } else if (status.reason) {
      say(
        who,
        `Not logged in: your browser sent a session cookie, but the server refused it because ${explainReason(status.reason, status.store)}.`,
        'warn',
      );
    } else {
      say(who, 'Not logged in.', 'neutral');
    }
    const authenticated = Boolean(status?.authenticated);
    logout.disabled = !authenticated;
    logoutAll.disabled = !authenticated;
    // One account at a time: the form waits for a logout.
    fields.disabled = authenticated;
    locked.hidden = !authenticated;
    if (!authenticated) {
      // An answer about a session that is over would mislead: it goes with the session.
      me.hidden = true;
      me.textContent = '';
    }
  };
}
