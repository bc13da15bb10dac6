import { Router } from 'express';
import type { Response } from 'express';
import { HttpError } from '../http/errors.ts';
import { parseBody } from '../http/body.ts';
import { route } from '../http/methods.ts';
import { passwordProblem } from '../passwords/policy.ts';
import { sessionOf } from '../sessions/port.ts';
import { UsernameTakenError } from '../users/repository.ts';
import { passwordCheck } from './check-password.ts';
import type { AppDeps } from './deps.ts';
import { requireUser } from './require-user.ts';
import { loginBody, registerBody } from './schemas.ts';

const usernameTaken = () => new HttpError(409, 'username_taken', 'That username is taken.');

// One answer for an unknown user and a wrong password, so that the login form does
// not tell an attacker which usernames exist.
const invalidCredentials = () => new HttpError(401, 'invalid_credentials', 'Incorrect username or password.');

// The browser drops every cookie of this origin, copies made by scripts included; the
// cleared Set-Cookie alone only replaces ours.
const clearSiteCookies = (res: Response) => res.setHeader('Clear-Site-Data', '"cookies"');

/** Register, log in, log out: mounted under /api. */
export function authRoutes(deps: AppDeps): Router {
  const { users, hasher, throttle } = deps;
  const checkPassword = passwordCheck(deps);
  const router = Router();
  route(router, '/register', {
    POST: [
      throttle.registrations,
      async (req, res) => {
        const { username, password } = parseBody(registerBody, req.body);
        const problem = passwordProblem(password);
        if (problem) throw new HttpError(400, 'invalid_password', problem);
        if (users.findByUsername(username)) throw usernameTaken();
        const passwordHash = await hasher.hash(password);
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
      const user = users.findByUsername(username);
      // Counted as a failure unless it succeeds (429 once the account or the address has
      // failed too often); an unknown user is compared against a dummy hash: same work,
      // same time.
      const valid = await checkPassword(req, username, password, user?.passwordHash);
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
        await sessionOf(req).end();
        clearSiteCookies(res);
        res.json({
          message: 'Logged out. This browser forgot its session cookie.',
        });
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

  return router;
}
