// The course notes' app, the classic way (Express, client-sessions, bcryptjs, lowdb), with
// each of the notes' mistakes put right. `npm run exercise:grade -- exercise/solution/app.js`
// grades it; `node exercise/solution/app.js` serves it on http://127.0.0.1:4000.
//
//   POST /api/register {username, password}  201 {id, username}; 400; 409
//   POST /api/login    {username, password}  200 {message: 'Welcome <username>!'} and a session cookie; 401
//   GET  /api/me                             200 {id, username}; 401 {error: 'not_authenticated'}
//   GET  /api/users                          200 [{id, username}]; 401 {error: 'not_authenticated'}
//   POST /api/logout                         200 {message}, and the session is over
//   GET  /api/logout                         405 {error: 'method_not_allowed'}
// Every error answers {error, message}. A session holds req.session.user = {id, username}:
// the grader seals such sessions itself, with the key it gives createApp, to test each route alone.
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import bcrypt from 'bcryptjs';
import sessions from 'client-sessions';
import express from 'express';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';

// Cost 12 is about 0.2 s of one core per hash here: costly for a thief guessing offline,
// bearable for a login. Each step up doubles it; the notes' 14 is about 0.9 s.
const BCRYPT_COST = 12;

// Compared when the username is unknown, so a missing user takes as long as a wrong password.
const DUMMY_HASH = bcrypt.hashSync('not a real password', BCRYPT_COST);

const fail = (res, status, error, message) => res.status(status).json({ error, message });

// What a session and an answer may hold: never the hash, which would ride in every cookie.
const publicUser = (user) => ({ id: user.id, username: user.username });

export async function createApp({ dbFile, secret }) {
  const db = new Low(new JSONFile(dbFile), { users: [] });
  await db.read(); // once, at start: requests work on db.data in memory

  const app = express();
  app.use(express.json());
  app.use(
    sessions({
      cookieName: 'session', // the notes' `session=12345`
      secret, // encrypts and signs the cookie; HttpOnly, not signing, keeps it from page scripts
      duration: 24 * 60 * 60 * 1000,
      activeDuration: 5 * 60 * 1000,
      cookie: { httpOnly: true, sameSite: 'lax' },
    }),
  );

  function restricted(req, res, next) {
    if (!req.session.user) return fail(res, 401, 'not_authenticated', 'Log in first.');
    next();
  }

  app.post('/api/register', async (req, res) => {
    const { username, password } = req.body ?? {};
    // bcrypt ignores every byte after the 72nd, so a longer password would be a false promise.
    if (
      typeof username !== 'string' ||
      !username ||
      typeof password !== 'string' ||
      password.length < 8 ||
      Buffer.byteLength(password) > 72
    ) {
      return fail(res, 400, 'invalid_input', 'A username, and a password of 8 to 72 bytes.');
    }
    // bcrypt.hash works in slices and lets other requests in between; hashSync holds the server.
    const hash = await bcrypt.hash(password, BCRYPT_COST);
    // Checked after the await: another registration may have taken the name meanwhile.
    if (db.data.users.some((u) => u.username === username)) {
      return fail(res, 409, 'username_taken', 'That username is taken.');
    }
    const user = { id: randomUUID(), username, password: hash };
    db.data.users.push(user);
    await db.write();
    res.status(201).json(publicUser(user));
  });

  app.post('/api/login', async (req, res) => {
    const { username, password } = req.body ?? {};
    const user = db.data.users.find((u) => u.username === username);
    const ok = await bcrypt.compare(String(password), user ? user.password : DUMMY_HASH);
    // One answer for an unknown user and a wrong password: it must not tell which names exist.
    if (!user || !ok) return fail(res, 401, 'invalid_credentials', 'Invalid credentials.');
    req.session.reset(); // nothing from before the login survives into the user's session
    req.session.user = publicUser(user); // the session starts: the cookie now says who this is
    res.json({ message: `Welcome ${user.username}!` });
  });

  app.get('/api/me', restricted, (req, res) => res.json(req.session.user));
  app.get('/api/users', restricted, (req, res) => res.json(db.data.users.map(publicUser)));

  app.post('/api/logout', (req, res) => {
    // An empty session replaces this browser's cookie. A copy taken earlier still opens
    // until it expires: a cookie session cannot be revoked by the server alone.
    req.session.reset();
    res.json({ message: 'Good bye.' });
  });

  // A GET must not change state: any page could log you out with an <img src=".../api/logout">.
  app.get('/api/logout', (req, res) => {
    res.set('Allow', 'POST');
    fail(res, 405, 'method_not_allowed', 'Log out with POST: a GET must not change anything.');
  });

  app.use((req, res) => fail(res, 404, 'not_found', `No route for ${req.method} ${req.path}.`));
  // A body that is not JSON answers 400 in JSON; nothing answers with a stack trace.
  app.use((err, _req, res, _next) => {
    if (err.status >= 400 && err.status < 500) return fail(res, err.status, 'bad_request', err.message);
    fail(res, 500, 'internal', 'Something went wrong.');
  });
  return app;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // No key in the code: SESSION_SECRET, or a random one per start (a restart logs everyone out).
  const secret = process.env.SESSION_SECRET ?? randomBytes(32).toString('hex');
  const app = await createApp({ dbFile: process.env.DB_FILE ?? 'data/exercise.json', secret });
  const port = Number(process.env.PORT ?? 4000);
  app.listen(port, '127.0.0.1', () => console.log(`exercise app on http://127.0.0.1:${port}`));
}
