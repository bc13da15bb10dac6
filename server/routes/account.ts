import type { Router } from 'express';
import { HttpError, notAuthenticated } from '../http/errors.ts';
import { parseBody } from '../http/body.ts';
import { route } from '../http/methods.ts';
import { passwordProblem } from '../passwords/policy.ts';
import { sessionOf } from '../sessions/port.ts';
import type { AppDeps } from './deps.ts';
import { passwords } from './passwords.ts';
import { currentUser, requireUser } from './require-user.ts';
import { changePasswordBody, deleteAccountBody } from './schemas.ts';

const wrongPassword = () => new HttpError(401, 'invalid_credentials', 'That is not your current password.');

/** Who am I, change my password, delete my account (under /api): each about the session's own user. */
export function accountRoutes(router: Router, deps: AppDeps): void {
  const { users } = deps;
  // A wrong password here counts toward the login limits, as at login.
  const passwordWork = passwords(deps);
  // The session may outlive its user record only between two requests: a deleted or
  // revoked user has no session from the next request on.
  const recordOf = async (id: string) => {
    const user = await users.findById(id);
    if (!user) throw notAuthenticated();
    return user;
  };

  route(router, '/me', {
    GET: [
      requireUser,
      async (req, res) => {
        const session = currentUser(req);
        const user = await recordOf(session.id);
        res.json({
          id: user.id,
          username: user.username,
          createdAt: user.createdAt,
          loggedInAt: new Date(session.issuedAt).toISOString(),
        });
      },
    ],
    DELETE: [
      requireUser,
      async (req, res) => {
        const { password } = parseBody(deleteAccountBody, req.body);
        const user = await recordOf(currentUser(req).id);
        if (!(await passwordWork.check(req, user.username, password, user.passwordHash)))
          throw wrongPassword();
        await sessionOf(req).endAll();
        await users.delete(user.id);
        res.json({ message: `Account ${user.username} deleted; all its sessions have ended.` });
      },
    ],
  });

  route(router, '/me/password', {
    PUT: [
      requireUser,
      async (req, res) => {
        const { currentPassword, newPassword } = parseBody(changePasswordBody, req.body);
        const problem = passwordProblem(newPassword);
        if (problem) throw new HttpError(400, 'invalid_password', problem);
        const user = await recordOf(currentUser(req).id);
        if (!(await passwordWork.check(req, user.username, currentPassword, user.passwordHash)))
          throw wrongPassword();
        const updated = await users.changePassword(user.id, await passwordWork.hash(req, newPassword));
        if (!updated) throw notAuthenticated();
        // Every other session ends with the old password; this browser gets a fresh one.
        const session = sessionOf(req);
        await session.endAll();
        await session.start((await users.findById(user.id)) ?? updated);
        res.json({ message: 'Password changed; every other session of this account has ended.' });
      },
    ],
  });
}
