// Panel 6: what a leaked key buys. The page holds this server's development key through
// the lab API (never served in production), reads any cookie, mints one for any account,
// then rotates the key: the only remedy, and it ends every session, genuine ones included.
import { api, explainReason, inCookie, problem } from './api.js';
import { byId, formatTime, formatWhen, once, say } from './dom.js';

function rotateLead(store) {
  if (inCookie(store)) {
    return 'A new key is the only remedy: the server keeps no list of cookie sessions to strike the forged ones from. Rotating refuses every cookie sealed with the old key, forged and genuine alike: everyone is logged out.';
  }
  return 'A new key makes every signature fail, so every id cookie is refused and everyone is logged out, although the records themselves were never at risk.';
}

function leadFor(store) {
  const base =
    'Every session cookie is sealed with the server’s key (SESSION_SECRET, or in development the generated data/.session-secret). Suppose it leaked: a committed file, a log, a backup. This panel holds this server’s development key, as the attacker would.';
  if (inCookie(store)) return base;
  return `${base} Here the key only signs ids: it reads no session (the cookie holds none), and a forged id names no record, since the ids are random and only the store knows them.`;
}

/** What the key read, with times as times. */
function reading(body) {
  if (body.format === 'signed-id') {
    return `A signed id, key ${body.keyIndex + 1} of SESSION_SECRET.\nid: ${body.sid}\nThe key reads nothing else: the session is the record this id names in the store.`;
  }
  const { payload } = body;
  return [
    `Opened with key ${body.keyIndex + 1} of SESSION_SECRET:`,
    JSON.stringify(payload, null, 2),
    `issuedAt: ${formatTime(new Date(payload.issuedAt).toISOString())} (login)`,
    `sealedAt: ${formatTime(body.sealedAt)}`,
    `idle expiry: ${formatTime(body.idleExpiresAt)}, absolute expiry: ${formatWhen(body.absoluteExpiresAt)}`,
  ].join('\n');
}

export function leakPanel({ refresh }) {
  const on = byId('leak-on');
  const off = byId('leak-off');
  const pasted = byId('leak-cookie');
  const decoded = byId('leak-decoded');
  const username = byId('leak-username');
  const forged = byId('leak-forged');
  const result = byId('leak-result');
  const buttons = { decode: byId('leak-decode'), forge: byId('leak-forge'), rotate: byId('leak-rotate') };
  let store = null;
  let lastForged = null;

  buttons.decode.addEventListener('click', () =>
    once(buttons.decode, async () => {
      const res = await api('POST', '/api/lab/key/decode', { cookie: pasted.value });
      decoded.hidden = false;
      if (!res.ok) return void (decoded.textContent = problem(res));
      decoded.textContent = res.body.opened
        ? reading(res.body)
        : 'The key opens nothing in that: not a session cookie of this server (or sealed with a key it no longer holds).';
    }),
  );

  buttons.forge.addEventListener('click', () =>
    once(buttons.forge, async () => {
      const res = await api('POST', '/api/lab/key/forge', { username: username.value.trim() });
      if (!res.ok) return say(result, problem(res), 'error');
      lastForged = res.body.value;
      forged.hidden = false;
      forged.textContent = `${res.body.name}=${res.body.value}`;
      // As the attacker would in devtools: out with this browser's session, in with the
      // forged one. A script may set a cookie, it just cannot read an HttpOnly one.
      await api('POST', '/api/logout');
      document.cookie = `${res.body.name}=${res.body.value}; Path=/; SameSite=Lax`;
      const me = await api('GET', '/api/me');
      await refresh();
      if (me.ok) {
        say(
          result,
          `GET /api/me with the forged cookie: 200, you are ${me.body.username}. No password, no login, nothing in the server’s log: the key alone made a session the server cannot tell from a real one.`,
          'error',
        );
      } else {
        say(
          result,
          `GET /api/me with the forged cookie: ${me.status}. The signature is valid, but the id names no session in the store: a leaked key does not make sessions here. (It would sign a real id an attacker got hold of.)`,
          'ok',
        );
      }
    }),
  );

  buttons.rotate.addEventListener('click', () =>
    once(buttons.rotate, async () => {
      const res = await api('POST', '/api/lab/key/rotate');
      if (!res.ok) return say(result, problem(res), 'error');
      const sentences = [res.body.message];
      if (lastForged) {
        const replay = await api('POST', '/api/lab/replay', { cookie: lastForged });
        if (replay.ok && !replay.body.accepted) {
          sentences.push(`The forged cookie: REFUSED (${replay.body.reason}).`);
        }
      }
      const { status } = await refresh();
      if (status?.reason) {
        sentences.push(
          `This browser’s own cookie: refused too, because ${explainReason(status.reason, store)}. Everyone logs in again: that is the price of a leak.`,
        );
      }
      say(result, sentences.join(' '), 'warn');
    }),
  );

  return function render({ status }) {
    store = status?.store ?? null;
    const lab = Boolean(status?.leakedKeyLab);
    on.hidden = !lab;
    off.hidden = lab || !status;
    byId('leak-lead').textContent = leadFor(store);
    byId('leak-rotate-lead').textContent = rotateLead(store);
  };
}
