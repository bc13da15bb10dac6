// Panel 1: register, log in, log out, log out everywhere, and who the server says you are.
import { api, explainReason, problem } from './api.js';
import { byId, once, say } from './dom.js';

export function accountPanel({ refresh }) {
  const form = byId('login-form');
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
    me.hidden = true;
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
    }),
  );

  const end = (path, sentence) => (event) =>
    once(event.currentTarget, async () => {
      const res = await api('POST', path);
      me.hidden = true;
      say(result, res.ok ? sentence : problem(res), res.ok ? 'ok' : 'error');
      await refresh();
    });
  logout.addEventListener(
    'click',
    end(
      '/api/logout',
      'Logged out: the server told your browser to forget its cookie. Would a copy made before still work? Panel 4 finds out.',
    ),
  );
  logoutAll.addEventListener(
    'click',
    end(
      '/api/logout/all',
      'Logged out everywhere: every copy of every cookie of this account has stopped working.',
    ),
  );

  return function render({ status, problem: trouble }) {
    if (!status) {
      say(who, trouble, 'error');
    } else if (status.authenticated) {
      say(who, `Logged in as ${status.username}.`);
    } else if (status.reason) {
      say(
        who,
        `Not logged in: your browser sent a session cookie, but the server refused it because ${explainReason(status.reason)}.`,
        'warn',
      );
    } else {
      say(who, 'Not logged in.', 'neutral');
    }
    const authenticated = Boolean(status?.authenticated);
    logout.disabled = !authenticated;
    logoutAll.disabled = !authenticated;
  };
}
