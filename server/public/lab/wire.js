// Panel 7: the cookie headers of every request the page made. The server reports sizes
// and names only (Server-Timing and X-Lab-* headers, lab mode): the values stay HttpOnly.
import { cookieBytesOf, onWire } from './api.js';
import { byId, formatNumber } from './dom.js';

const shownRequests = 8;

export function wirePanel() {
  const total = byId('wire-total');
  const body = byId('wire-log').tBodies[0];
  const off = byId('wire-off');
  const counted = { requests: 0, files: 0, bytes: 0 };

  // Every resource this page loaded, the page itself, lab.css, lab.js, its modules and
  // every fetch, carries the server's Server-Timing: the Resource Timing API reads it.
  function count(entries) {
    for (const entry of entries) {
      const timing = (entry.serverTiming ?? []).find((metric) => metric.name === 'cookie');
      if (!timing) continue;
      counted.requests += 1;
      if (entry.initiatorType !== 'fetch') counted.files += 1;
      counted.bytes += cookieBytesOf(`cookie;desc=${timing.description}`) ?? 0;
    }
    if (counted.requests === 0) return;
    total.textContent = `This page has sent ${formatNumber(counted.bytes)} bytes of Cookie headers in ${formatNumber(counted.requests)} requests, ${formatNumber(counted.files)} of them for its own files (the page, lab.css, lab.js, its modules): the cookie rides on every request, wanted or not.`;
  }
  count(performance.getEntriesByType('navigation'));
  new PerformanceObserver((list) => count(list.getEntries())).observe({ type: 'resource', buffered: true });

  onWire((entry) => {
    const row = document.createElement('tr');
    const set = entry.answered.length
      ? entry.answered.map((line) => `${formatNumber(line.bytes)} bytes: ${line.line}`).join('\n')
      : 'none';
    const cells = [
      `${entry.method} ${entry.path} → ${entry.status}${entry.instance ? ` (instance ${entry.instance})` : ''}`,
      entry.sent ? `${formatNumber(entry.sent)} bytes: ${entry.cookies ?? ''}` : 'none',
      set,
    ];
    for (const text of cells) {
      const cell = document.createElement('td');
      cell.textContent = text;
      row.append(cell);
    }
    body.prepend(row);
    while (body.rows.length > shownRequests) body.lastElementChild.remove();
  });

  return function render({ status }) {
    off.hidden = status?.labEnabled !== false;
  };
}
