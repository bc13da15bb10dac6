// The course notes' app, the classic way: Express, client-sessions, bcryptjs and lowdb.
// It runs, but it keeps the notes' mistakes. Each is marked TODO, with the ids of the
// grader's checks it fails in brackets: fix them, and run `npm run exercise:grade` until
// every check passes.
// `node exercise/starter/app.js` serves it on http://127.0.0.1:4000.
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

// TODO(hash-cost): the notes' cost 14 takes about 0.9 s of a core per hash here, and each
// step down halves it. Pick the cost for this server: 10 at the very least, 12 at most.
const BCRYPT_COST = 14;

const fail = (res, status, error, message) => res.status(status).json({ error, message });

// What an answer may hold: never the hash.
const publicUser = (user) => ({ id: user.id, username: user.username });

export async function createApp({ dbFile, secret }) {
  const db = new Low(new JSONFile(dbFile), { users: [] });
  await db.read(); // once, at start: requests work on db.data in memory

  const app = express();
  app.use(express.json());
  app.use(
    sessions({
      cookieName: 'session', // the notes' `session=12345`
      secret, // encrypts and signs the cookie
      duration: 24 * 60 * 60 * 1000,
      activeDuration: 5 * 60 * 1000,
      cookie: { httpOnly: true, sameSite: 'lax' },
    }),
  );

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
    if (db.data.users.some((u) => u.username === username)) {
      return fail(res, 409, 'username_taken', 'That username is taken.');
    }
    // TODO(hash-yields): hashSync holds the whole server while it hashes: no other request
    // is answered meanwhile. bcryptjs has an async API.
    const user = { id: randomUUID(), username, password: bcrypt.hashSync(password, BCRYPT_COST) };
    db.data.users.push(user);
    await db.write();
    res.status(201).json(publicUser(user));
  });

  app.post('/api/login', (req, res) => {
    const { username, password } = req.body ?? {};
    const user = db.data.users.find((u) => u.username === username);
    // TODO(hash-yields): compareSync holds the whole server too.
    if (user && bcrypt.compareSync(String(password), user.password)) {
      // TODO(login-session): the notes say welcome and start no session, so the next request
      // is a stranger again. Put the user in req.session (but never the hash).
      return res.json({ message: `Welcome ${user.username}!` });
    }
    // The same answer for an unknown user and a wrong password, as the notes say.
    fail(res, 401, 'invalid_credentials', 'Invalid credentials.');
  });

  // TODO(no-session-401): these answer without a session (an empty 200, and everyone's names).
  // Answer 401 {error: 'not_authenticated', message} when req.session.user is missing.
  app.get('/api/me', (req, res) => res.json(req.session.user));
  app.get('/api/users', (req, res) => res.json(db.data.users.map(publicUser)));

  // TODO(logout-post, logout-get-refused): the notes log out with GET, so any page can log
  // you out with an <img src=".../api/logout">. Log out with POST; answer GET with 405.
  app.get('/api/logout', (req, res) => {
    req.session.reset();
    res.json({ message: 'good bye' });
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
