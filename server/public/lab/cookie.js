// Panel 2: the session as the server read it from the cookie, with live countdowns, and
// what this page's own script can read of it (nothing: HttpOnly).
import { byId, formatLeft, formatNumber, formatTime } from './dom.js';
import { renderMeters } from './meters.js';

const shownNoteCharacters = 40;

/** The payload as decoded, with a long note cut short so the panel stays readable. */
function readable(payload) {
  const { notes, ...rest } = payload;
  if (typeof notes !== 'string' || notes.length <= shownNoteCharacters) return payload;
  return {
    ...rest,
    notes: `${notes.slice(0, shownNoteCharacters)}… (${formatNumber(notes.length)} characters)`,
  };
}

function keySentence(keyIndex) {
  if (keyIndex === null) {
    return 'No key opened it: this store’s cookie carries only a signed random id, and the data stays on the server.';
  }
  if (keyIndex === 0) return 'Key 1 of SESSION_SECRET, the newest: the one that seals every new cookie.';
  return `Key ${keyIndex + 1} of SESSION_SECRET, an older one: accepted, and re-sealed with the newest key on that answer.`;
}

export function cookiePanel({ refresh }) {
  const view = byId('cookie-view');
  const empty = byId('cookie-empty');
  const idleLeft = byId('idle-left');
  const absoluteLeft = byId('absolute-left');
  const issued = byId('issued');
  let report = null;
  // Asks the server once per deadline that passed, so it can say the session ended.
  let refreshedAt = '';

  function tick() {
    if (!report) return;
    const now = Date.now();
    const idleMs = Date.parse(report.idleExpiresAt) - now;
    const absoluteMs = Date.parse(report.absoluteExpiresAt) - now;
    idleLeft.textContent = idleMs > 0 ? `in ${formatLeft(idleMs)}` : 'now: the session has ended';
    absoluteLeft.textContent = absoluteMs > 0 ? `in ${formatLeft(absoluteMs)}` : 'now: the session has ended';
    issued.textContent = `${formatTime(report.issuedAt)}, ${formatLeft(now - Date.parse(report.issuedAt))} ago`;
    const deadlines = report.idleExpiresAt + report.absoluteExpiresAt;
    if (Math.min(idleMs, absoluteMs) <= 0 && refreshedAt !== deadlines) {
      refreshedAt = deadlines;
      void refresh();
    }
  }
  setInterval(tick, 1000);

  return function render(state) {
    report = state.report;
    // Read again on every change: even right after a login it is still empty.
    byId('document-cookie').textContent = `document.cookie → ${JSON.stringify(document.cookie)}`;
    byId('document-cookie-lead').textContent = report
      ? 'Empty, even though your browser holds the session cookie right now (devtools → Application → Cookies shows it).'
      : 'Empty. Log in and look again: it stays empty while your browser holds the session cookie.';
    renderMeters(report);
    view.hidden = !report;
    empty.hidden = Boolean(report);
    if (!report) return;
    byId('idle-note').textContent =
      `at ${formatTime(report.idleExpiresAt)} if unused; using the site pushes it back`;
    byId('key-used').textContent = keySentence(report.keyIndex);
    byId('payload').textContent = JSON.stringify(readable(report.payload), null, 2);
    tick();
  };
}
