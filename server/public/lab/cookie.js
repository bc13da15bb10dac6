// Panel 2: the session as the server read it: the cookie's parts, the payload or the stored
// record, live countdowns, and what this page's own script can read of it (nothing: HttpOnly).
import { inCookie } from './api.js';
import { byId, formatLeft, formatNumber, formatTime, formatWhen } from './dom.js';
import { renderMeters } from './meters.js';

const shownNoteCharacters = 40;

/** The payload or record, with a long note cut short so the panel stays readable. */
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

const base64Raw = (characters) => Math.floor((characters * 3) / 4);

/** What each part is for and who can read it, by the part's name. */
const partMeaning = {
  iv: () =>
    'Initialisation vector: random bytes, new at every sealing, so the same session never encrypts to the same text. Anyone can see it; it tells nothing.',
  ciphertext: () =>
    'Your session (the payload below), encrypted with AES-256-CBC. Only a holder of the key reads it: the server, or whoever the key leaks to.',
  createdAt: (part) =>
    `When the cookie was last sealed, in ms since 1970: ${formatTime(Number(part.shown))}. Plain text: anyone holding the cookie reads it. The idle expiry counts from here.`,
  duration: (part) =>
    `How long the cookie lives once sealed, in ms: ${formatLeft(Number(part.shown))} (SESSION_IDLE_SECONDS). Plain text too.`,
  hmac: () =>
    'HMAC-SHA256 over the four parts before it, with a second key from the same secret. Change one character anywhere and the server refuses the cookie: it protects, it hides nothing.',
  prefix: () => 'express-session’s mark for a signed value (sent URL-encoded, as s%3A).',
  id: () =>
    'The session id: random, and the store’s key for your record. Anyone holding the cookie reads it; without the store it is only a name.',
  signature: () =>
    'HMAC-SHA256 of the id with SESSION_SECRET: the server refuses an id it did not sign. It hides nothing.',
};

function renderAnatomy(report) {
  const { cookie } = report;
  const sealed = cookie.format === 'sealed';
  byId('anatomy-lead').textContent = sealed
    ? `client-sessions’ format, five parts joined by dots: iv.ciphertext.createdAt.duration.hmac. ${formatNumber(cookie.valueBytes)} bytes of value; the name, “${cookie.name}=”, and the attributes make the rest of the Set-Cookie line.`
    : `express-session’s format: s:<id>.<signature>, URL-encoded. ${formatNumber(cookie.valueBytes)} bytes of value, whatever the session holds: the session itself stays on the server.`;
  const rows = cookie.parts.map((part) => {
    const row = document.createElement('tr');
    const base64 = ['iv', 'ciphertext', 'hmac', 'id', 'signature'].includes(part.name);
    const cells = [
      part.name,
      base64 && sealed
        ? `${formatNumber(part.bytes)} (${formatNumber(base64Raw(part.bytes))} raw)`
        : formatNumber(part.bytes),
      part.shown,
      partMeaning[part.name]?.(part) ?? '',
    ];
    for (const [index, text] of cells.entries()) {
      const cell = document.createElement(index === 0 ? 'th' : 'td');
      if (index === 0) cell.scope = 'row';
      if (index === 2) cell.className = 'mono';
      cell.textContent = text;
      row.append(cell);
    }
    return row;
  });
  byId('anatomy').tBodies[0].replaceChildren(...rows);
  byId('anatomy-note').textContent =
    'Parts that would let a script replay the cookie are shown by their first characters only: the server reports the cookie’s shape, never the cookie, or HttpOnly would be for nothing.';
  const storeKey = byId('store-key');
  storeKey.hidden = sealed;
  const where = { memory: 'this server process’s memory', redis: 'Redis', postgres: 'PostgreSQL' }[
    report.store
  ];
  storeKey.textContent = sealed
    ? ''
    : `The store, ${where ?? report.store}, keeps your record under ${cookie.storeKey}.`;
}

function payloadNote(report) {
  const issued = `issuedAt ${report.payload.issuedAt} is ${formatTime(report.issuedAt)}: the login time, from which the absolute expiry counts.`;
  if (inCookie(report.store)) {
    return `${issued} version ${report.payload.version} is the account’s session version at that login: “Log out everywhere” and a password change raise it, and every cookie still carrying ${report.payload.version} is refused (revoked). Never a password or a hash: whoever holds the key reads all of this.`;
  }
  const seen = formatTime(new Date(report.payload.lastSeenAt).toISOString());
  return `${issued} lastSeenAt (${seen}) is when the record was last written for activity: the idle expiry counts from it. cookie is express-session’s own bookkeeping. No version: deleting this record is how this store ends a session, every copy of the cookie included.`;
}

export function cookiePanel({ refresh }) {
  const view = byId('cookie-view');
  const empty = byId('cookie-empty');
  const ended = byId('cookie-ended');
  const idleLeft = byId('idle-left');
  const absoluteLeft = byId('absolute-left');
  const issued = byId('issued');
  let report = null;
  // Asks the server once per deadline that passed, so it can say the session ended.
  let refreshedAt = '';

  function endedSentence(ended, idleMs, absoluteMs) {
    const idleFirst = idleMs <= absoluteMs;
    const at = formatTime(idleFirst ? ended.idleExpiresAt : ended.absoluteExpiresAt);
    const which = idleFirst
      ? 'idle expiry (the session went unused)'
      : 'absolute expiry (however active you were)';
    return `The session ended at ${at}: ${which}. Your browser dropped the cookie at its Expires, and the server would have refused it anyway (${idleFirst ? 'expired_idle' : 'expired_absolute'}): it checks both deadlines itself.`;
  }

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
      const over = report;
      // Only the server knows whether activity elsewhere pushed the idle deadline back.
      void refresh().then(({ report: now }) => {
        if (now) return;
        ended.textContent = endedSentence(over, idleMs, absoluteMs);
        ended.dataset.tone = 'warn';
      });
    }
  }
  setInterval(tick, 1000);

  return function render(state) {
    report = state.report;
    // Read again on every change: even right after a login it is still empty.
    byId('document-cookie').textContent = `document.cookie → ${JSON.stringify(document.cookie)}`;
    byId('document-cookie-lead').textContent = document.cookie
      ? 'Not empty: a script set this cookie (panel 6 put a forged one here, as an attacker would in devtools), so it is not HttpOnly. Every cookie the server sets is.'
      : report
        ? 'Empty, even though your browser holds the session cookie right now (devtools → Application → Cookies shows it).'
        : 'Empty. Log in and look again: it stays empty while your browser holds the session cookie.';
    renderMeters(report, state.status);
    view.hidden = !report;
    empty.hidden = Boolean(report);
    // A new session makes the last "ended" sentence old news.
    if (report) ended.textContent = '';
    if (!report) return;
    const sealed = report.cookie.format === 'sealed';
    byId('idle-note').textContent =
      `at ${formatTime(report.idleExpiresAt)} if unused; using the site pushes it back`;
    byId('absolute-note').textContent = `at ${formatWhen(report.absoluteExpiresAt)}, however active you are`;
    byId('key-used').textContent = keySentence(report.keyIndex);
    renderAnatomy(report);
    byId('payload-title').textContent = sealed
      ? 'The payload the server decrypted from it'
      : 'The record the store holds under that key';
    byId('payload').textContent = JSON.stringify(readable(sealed ? report.payload : report.record), null, 2);
    byId('payload-note').textContent = payloadNote(report);
    tick();
  };
}
