// Panel 3: fill the cookie with notes until the server refuses, and show that the session
// survived the refusal.
import { api, problem } from './api.js';
import { byId, formatNumber, once, say } from './dom.js';
import { budgetBytes, warningRatio } from './meters.js';

const filler = 'cookie crumbs ';

/** A note of exactly `size` characters, numbered so the payload shows one per line. */
function noteOf(number, size) {
  const label = `Note ${number}: `;
  return (label + filler.repeat(Math.ceil(size / filler.length))).slice(0, size);
}

export function notesPanel({ refresh }) {
  const form = byId('notes-form');
  const add = byId('add-note');
  const clear = byId('clear-notes');
  const result = byId('notes-result');
  const warning = byId('budget-warning');
  let notes = '';

  function warn(header) {
    if (!header) return;
    const [bytes = 0] = header.split('/').map(Number);
    const percent = Math.round((bytes / budgetBytes) * 100);
    warning.textContent = `Warning from the server (X-Session-Budget: ${header}): the cookie is at ${percent} % of what a browser keeps. A little more and it will be refused.`;
    warning.hidden = false;
  }

  async function store(text) {
    const res = await api('PUT', '/api/session/notes', { text });
    if (res.ok) {
      say(result, `${res.body.message} The cookie is now ${formatNumber(res.body.bytes)} bytes.`);
      warn(res.headers.get('X-Session-Budget'));
      await refresh();
      return;
    }
    if (res.status !== 413 || res.body.error !== 'cookie_too_large') {
      say(result, problem(res), 'error');
      return;
    }
    const { status, report } = await refresh();
    const survived = status?.authenticated
      ? ` You are still logged in as ${status.username}, with the same ${formatNumber(report?.bytes ?? 0)}-byte cookie.`
      : '';
    say(
      result,
      `Refused (413): with that note the cookie would be ${formatNumber(res.body.bytes)} bytes, over the ${formatNumber(res.body.limit)} a browser keeps. A browser drops such a cookie without a word, which would log you out, so the server sent nothing and kept your session as it was.${survived}`,
      'error',
    );
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const size = Number(new FormData(form).get('size'));
    const next = noteOf(notes ? notes.split('\n').length + 1 : 1, size);
    void once(add, () => store(notes ? `${notes}\n${next}` : next));
  });
  clear.addEventListener('click', () => once(clear, () => store('')));

  return function render({ status, report }) {
    notes = typeof report?.payload?.notes === 'string' ? report.payload.notes : '';
    const authenticated = Boolean(status?.authenticated);
    add.disabled = !authenticated;
    clear.disabled = !authenticated || notes === '';
    if (!report || report.budget === null || report.bytes < report.budget * warningRatio)
      warning.hidden = true;
  };
}
