import { randomBytes } from 'node:crypto';
import sessions from 'client-sessions';
import express from 'express';
import helmet from 'helmet';
import { noStore } from '../../server/http/no-store.ts';
import { securityHeaders } from '../../server/http/security-headers.ts';

// The yardsticks of the benchmark, in one plain Express 5 app, each route the size of
// GET /api/me's answer:
// - `/bare`: nothing added;
// - `/api/headers`: the app's own security headers (its helmet policy and no-store), to
//   tell what the headers alone cost;
// - `/helmet`: helmet() with its default headers and no session at all;
// - `/least`: helmet() and the least a session check can do, by hand;
// - `/client-sessions`: the client-sessions middleware alone reading its cookie (POST
//   `/client-sessions` sets one), as the course uses it.
// Its own process, like the real server. Prints "listening on <url>".
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
app.get('/helmet', helmet(), (_req, res) => {
  res.json(body);
});
// The least a session check can do, written by hand: no-store, the session cookie looked
// up in a Map, its deadline compared, the user looked up in a Map (POST `/least` mints one).
// No lab report, no instance header, no cross-site guard, no body parser, no await: what
// the app's /api/me costs beyond this is the cost of everything else it does.
const leastSessions = new Map<string, { userId: string; expiresAt: number }>();
const leastUsers = new Map([[body.id, body]]);
app.post('/least', (_req, res) => {
  const token = randomBytes(32).toString('base64url');
  leastSessions.set(token, { userId: body.id, expiresAt: Date.now() + 24 * 60 * 60 * 1000 });
  res.cookie('session', token, { httpOnly: true, sameSite: 'lax' }).json(body);
});
app.get('/least', helmet(), (req, res) => {
  res.setHeader('Cache-Control', 'no-store');
  const cookie = /(?:^|;\s*)session=([^;]*)/.exec(req.headers.cookie ?? '')?.[1];
  const session = cookie === undefined ? undefined : leastSessions.get(cookie);
  const user = session && session.expiresAt > Date.now() ? leastUsers.get(session.userId) : undefined;
  if (!user) res.status(401).json({ error: 'not_authenticated' });
  else res.json(user);
});
const clientSessions = sessions({
  cookieName: 'session',
  secret: 'bench-only-secret-0123456789abcdefghij',
  duration: 24 * 60 * 60 * 1000,
  activeDuration: 30 * 60 * 1000,
});
// client-sessions puts its session on req.session, which the types give to express-session.
const sessionOf = (req: express.Request) => (req as unknown as { session: { user?: typeof body } }).session;
app.post('/client-sessions', clientSessions, (req, res) => {
  sessionOf(req).user = body;
  res.json(body);
});
app.get('/client-sessions', clientSessions, (req, res) => {
  const { user } = sessionOf(req);
  if (!user) res.status(401).json({ error: 'not_authenticated' });
  else res.json(user);
});
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') console.log(`listening on http://127.0.0.1:${address.port}`);
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
