import type { Response, Router } from 'express';
import { HttpError } from '../http/errors.ts';
import { parseBody } from '../http/body.ts';
import { route } from '../http/methods.ts';
import { passwordProblem } from '../passwords/policy.ts';
import { sessionOf, type SessionEnding } from '../sessions/port.ts';
import { UsernameTakenError } from '../users/repository.ts';
import type { AppDeps } from './deps.ts';
import { passwords } from './passwords.ts';
import { requireUser } from './require-user.ts';
import { loginBody, registerBody } from './schemas.ts';

const usernameTaken = () => new HttpError(409, 'username_taken', 'That username is taken.');

// One answer for an unknown user and a wrong password, so that the login form does
// not tell an attacker which usernames exist.
const invalidCredentials = () => new HttpError(401, 'invalid_credentials', 'Incorrect username or password.');

// What logout did, in the store's own terms; the route only picks the sentence.
const loggedOut: Record<SessionEnding, string> = {
  cookie_cleared: 'Logged out. This browser forgot its session cookie.',
  record_deleted: 'Logged out. The server deleted this session, so every copy of its cookie is void too.',
};

// The browser drops every cookie of this origin, copies made by scripts included; the
// cleared Set-Cookie alone only replaces ours.
const clearSiteCookies = (res: Response) => res.setHeader('Clear-Site-Data', '"cookies"');

/** Register, log in, log out: mounted under /api. */
export function authRoutes(router: Router, deps: AppDeps): void {
  const { users, throttle } = deps;
  const passwordWork = passwords(deps);
  route(router, '/register', {
    POST: [
      throttle.registrations,
      async (req, res) => {
        const { username, password } = parseBody(registerBody, req.body);
        const problem = passwordProblem(password);
        if (problem) throw new HttpError(400, 'invalid_password', problem);
        if (await users.findByUsername(username)) throw usernameTaken();
        const passwordHash = await passwordWork.hash(req, password);
        try {
          // Answered only after the write reached the file: a 201 is never lost on restart.
          const user = await users.create(username, passwordHash);
          res.status(201).json({ id: user.id, username: user.username });
        } catch (error) {
          throw error instanceof UsernameTakenError ? usernameTaken() : error;
        }
      },
    ],
  });

  route(router, '/login', {
    POST: async (req, res) => {
      const { username, password } = parseBody(loginBody, req.body);
      const user = await users.findByUsername(username);
      // Counted as a failure unless it succeeds (429 once the account or the address has
      // failed too often); an unknown user is compared against a dummy hash: same work,
      // same time.
      const valid = await passwordWork.check(req, username, password, user?.passwordHash);
      if (!user || !valid) throw invalidCredentials();
      await sessionOf(req).start(user);
      res.json({ message: `Welcome ${user.username}!` });
    },
  });

  route(
    router,
    '/logout',
    {
      POST: async (req, res) => {
        const ending = await sessionOf(req).end();
        clearSiteCookies(res);
        res.json({ message: loggedOut[ending] });
      },
    },
    {
      refusals: {
        GET: 'Logging out changes state, and a GET must not: any page could log you out with an <img src="/api/logout">. Use POST /api/logout.',
      },
    },
  );

  route(router, '/logout/all', {
    POST: [
      requireUser,
      async (req, res) => {
        await sessionOf(req).endAll();
        clearSiteCookies(res);
        res.json({ message: 'Logged out everywhere: every session of this account has ended.' });
      },
    ],
  });
}
