// Panel 3: fill the cookie with notes until the server refuses, and show that the session
// survived the refusal; then, with the lab's switch, what the browser does when no guard
// stops an oversized cookie (it drops it without a word).
import { api, inCookie, problem } from './api.js';
import { byId, formatNumber, once, say } from './dom.js';
import { warningRatio } from './meters.js';

const filler = 'cookie crumbs ';

/** A note of exactly `size` characters, numbered so the payload shows one per line. */
function noteOf(number, size) {
  const label = `Note ${number}: `;
  return (label + filler.repeat(Math.ceil(size / filler.length))).slice(0, size);
}

function lead(status) {
  if (!status) return 'Add notes to your session and watch the bar.';
  if (inCookie(status.store)) {
    return `This server keeps the whole session in the cookie, and browsers drop a cookie over ${formatNumber(status.cookieLimit)} bytes without a word. Add notes to your session and watch the bar.`;
  }
  return `This server keeps the session in ${status.store}; the cookie carries only its id. Add notes and watch the bar stay where it is: the notes grow the stored record, not the cookie.`;
}

export function notesPanel({ refresh }) {
  const form = byId('notes-form');
  const add = byId('add-note');
  const clear = byId('clear-notes');
  const result = byId('notes-result');
  const warning = byId('budget-warning');
  const overSwitch = byId('over-budget-switch');
  const over = byId('over-budget');
  let notes = '';

  function warn(header) {
    if (!header) return;
    const [bytes = 0, limit = 0] = header.split('/').map(Number);
    const percent = Math.round((bytes / limit) * 100);
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
    // Green: the refusal is the server protecting the session, not a failure.
    say(
      result,
      `Refused (413): with that note the cookie would be ${formatNumber(res.body.bytes)} bytes, over the ${formatNumber(res.body.limit)} a browser keeps. A browser drops such a cookie without a word, which would log you out, so the server sent nothing and kept your session as it was.${survived}`,
      'ok',
    );
  }

  /** The lab's unguarded note: the server sends whatever cookie it makes; the next request shows what the browser kept. */
  async function storeUnguarded(text) {
    over.checked = false;
    const res = await api('PUT', '/api/lab/notes-over-budget', { text });
    if (!res.ok) return say(result, problem(res), 'error');
    const sent = res.body.bytes;
    const { report } = await refresh();
    const kept = report?.payload?.notes ?? '';
    if (sent > res.body.limit && report && kept.length !== text.length) {
      say(
        result,
        `The server stored a ${formatNumber(text.length)}-character note and answered with a ${formatNumber(sent)}-byte Set-Cookie, over the ${formatNumber(res.body.limit)} a browser keeps. Your browser dropped it without a word and kept the old cookie: the server now sees your earlier ${formatNumber(report.bytes)}-byte cookie, with ${formatNumber(kept.length)} characters of notes. A stale session, and nobody was told: that is what the 413 guard prevents.`,
        'error',
      );
      return;
    }
    say(
      result,
      `${res.body.message} The Set-Cookie was ${formatNumber(sent)} bytes, within what a browser keeps, so it kept it.`,
    );
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const size = Number(new FormData(form).get('size'));
    const next = noteOf(notes ? notes.split('\n').length + 1 : 1, size);
    const text = notes ? `${notes}\n${next}` : next;
    void once(add, () => (over.checked ? storeUnguarded(text) : store(text)));
  });
  clear.addEventListener('click', () => once(clear, () => store('')));

  return function render({ status, report }) {
    notes = typeof report?.payload?.notes === 'string' ? report.payload.notes : '';
    const authenticated = Boolean(status?.authenticated);
    byId('fill-lead').textContent = lead(status);
    add.disabled = !authenticated;
    clear.disabled = !authenticated || notes === '';
    // Only the cookie store has a budget to skip; only the lab serves the unguarded route.
    overSwitch.hidden = !(status?.labEnabled && inCookie(status.store));
    over.disabled = !authenticated;
    if (!report || report.budget === null || report.bytes < report.budget * warningRatio)
      warning.hidden = true;
    // A note's answer belongs to the session it was about.
    if (!authenticated) result.textContent = '';
  };
}
