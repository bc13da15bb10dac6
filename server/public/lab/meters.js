// The cookie's size against the 4,096-byte budget, drawn in every .bytes-meter on the page.
import { formatNumber } from './dom.js';

export const budgetBytes = 4096;
/** The server warns (X-Session-Budget) from here on; the bar turns amber at the same point. */
export const warningRatio = 0.8;

function sentence(report) {
  if (!report) return 'Log in first: without a session there is no session cookie.';
  const bytes = formatNumber(report.bytes);
  if (report.budget === null) {
    return `${bytes} bytes: only a session id travels; the session itself stays on the server, so notes do not make the cookie grow.`;
  }
  const percent = Math.round((report.bytes / report.budget) * 100);
  return `${bytes} of ${formatNumber(report.budget)} bytes (${percent} %)`;
}

export function renderMeters(report) {
  const bytes = report?.bytes ?? 0;
  const ratio = Math.min(1, bytes / budgetBytes);
  const tone = report?.budget !== null && ratio >= warningRatio ? 'warn' : 'ok';
  for (const meter of document.querySelectorAll('.bytes-meter')) {
    meter.setAttribute('aria-valuenow', String(bytes));
    meter.setAttribute('aria-valuemax', String(budgetBytes));
    meter.setAttribute('aria-valuetext', sentence(report));
    meter.dataset.tone = tone;
    // A style property set from a script is not inline markup: the page's CSP allows it.
    meter.querySelector('.fill').style.width = `${(ratio * 100).toFixed(2)}%`;
  }
  for (const text of document.querySelectorAll('.bytes-text')) text.textContent = sentence(report);
}
