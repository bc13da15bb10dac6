// The cookie's size against what a browser keeps of one cookie, drawn in every .bytes-meter
// on the page. The limit comes from the server (the session report, or the status before
// any session exists), never from a number written here.
import { formatNumber } from './dom.js';

/** The server warns (X-Session-Budget) from here on; the bar turns amber at the same point. */
export const warningRatio = 0.8;

/** The most of one cookie a browser keeps, as the server last said. */
export const limitOf = (report, status) => report?.limit ?? status?.cookieLimit ?? null;

function sentence(report) {
  if (!report) return 'Log in first: without a session there is no session cookie.';
  const bytes = formatNumber(report.bytes);
  if (report.budget === null) {
    return `${bytes} of ${formatNumber(report.limit)} bytes: only a session id travels; the session itself stays on the server, so notes do not make the cookie grow.`;
  }
  const percent = Math.round((report.bytes / report.budget) * 100);
  return `${bytes} of ${formatNumber(report.budget)} bytes (${percent} %)`;
}

export function renderMeters(report, status) {
  const bytes = report?.bytes ?? 0;
  const limit = limitOf(report, status);
  const ratio = limit ? Math.min(1, bytes / limit) : 0;
  const tone = report && report.budget !== null && ratio >= warningRatio ? 'warn' : 'ok';
  for (const meter of document.querySelectorAll('.bytes-meter')) {
    meter.setAttribute('aria-valuenow', String(bytes));
    if (limit) meter.setAttribute('aria-valuemax', String(limit));
    meter.setAttribute('aria-valuetext', sentence(report));
    meter.dataset.tone = tone;
    // A style property set from a script is not inline markup: the page's CSP allows it.
    meter.querySelector('.fill').style.width = `${(ratio * 100).toFixed(2)}%`;
  }
  for (const text of document.querySelectorAll('.bytes-text')) text.textContent = sentence(report);
}
