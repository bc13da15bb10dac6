// Small helpers the panels share.

export const byId = (id) => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`cookie-lab page: no element #${id}`);
  return element;
};

/** Puts a sentence into a result line; `tone` styles it (ok, warn, error). */
export function say(element, text, tone = 'ok') {
  element.textContent = text;
  element.dataset.tone = tone;
}

const number = new Intl.NumberFormat('en');
export const formatNumber = (n) => number.format(n);

/** "1:02:03" or "4:05": what is left until a deadline, never negative. */
export function formatLeft(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

export const formatTime = (iso) =>
  new Date(iso).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/**
 * Runs a button's request once: a second click while it runs is ignored. The button is
 * not disabled for it, because the panels' render decides when a button is disabled.
 */
export async function once(button, work) {
  if (button.getAttribute('aria-busy') === 'true') return;
  button.setAttribute('aria-busy', 'true');
  try {
    await work();
  } finally {
    button.removeAttribute('aria-busy');
  }
}

/** The time, with the date when it is not today (a 24-hour lifetime ends at the same clock time tomorrow). */
export function formatWhen(iso) {
  const when = new Date(iso);
  const today = new Date().toDateString() === when.toDateString();
  const day = when.toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short' });
  return today ? formatTime(iso) : `${day}, ${formatTime(iso)}`;
}
