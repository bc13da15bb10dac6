import express from 'express';
import { noStore } from '../../server/http/no-store.ts';
import { securityHeaders } from '../../server/http/security-headers.ts';

// The yardstick of the benchmark: Express 5 with nothing added, one JSON route the size
// of GET /api/me's answer (`/bare`). `/api/headers` is the same route behind the app's own
// security-header middleware (helmet's headers and no-store), to tell what the headers
// alone cost. Its own process, like the real server. Prints "listening on <url>".
const app = express();
const createdAt = new Date().toISOString();
const body = {
  id: 'b0d4f6c2-2b1e-4a57-9e43-6c7b1d2f8a90',
  username: 'bench',
  createdAt,
  loggedInAt: createdAt,
};
app.get('/bare', (_req, res) => {
  res.json(body);
});
app.get('/api/headers', securityHeaders(false), noStore, (_req, res) => {
  res.json(body);
});
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') console.log(`listening on http://127.0.0.1:${address.port}`);
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
