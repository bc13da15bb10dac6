import type { Request, Router } from 'express';
import { HttpError } from '../http/errors.ts';
import { parseBody } from '../http/body.ts';
import { route } from '../http/methods.ts';
import { cookieBudgetBytes } from '../sessions/cookie/budget.ts';
import { sessionOf, type SessionPort, type SessionReport } from '../sessions/port.ts';
import type { AppDeps } from './deps.ts';
import { leakedKeyLabEnabled } from './lab.ts';
import { notesBody } from './schemas.ts';

/**
 * This request's own session and what the server read from it. Unlike requireUser, the
 * 401 says why a cookie that was sent was refused: the lab shows the reason, and it
 * tells the cookie's holder nothing they could not work out.
 */
function ownSession(req: Request): { session: SessionPort; report: SessionReport } {
  const session = sessionOf(req);
  const report = session.report();
  if (report) return { session, report };
  const reason = session.rejection();
  throw new HttpError(
    401,
    'not_authenticated',
    reason ? `Your session cookie was not accepted: ${reason}.` : 'Log in first: this route needs a session.',
    {},
    reason ? { reason } : {},
  );
}

/** Your session as the server reads it, and a note to watch it grow (under /api). */
export function sessionRoutes(router: Router, { config, store }: AppDeps): void {
  // Always 200, logged in or not: a page learns its state here without provoking a 401
  // (which browsers print as a console error on every page load). It says no more than
  // GET /api/me and the 401 of GET /api/session already say to the same browser.
  route(router, '/session/status', {
    GET: (req, res) => {
      const session = sessionOf(req);
      const user = session.current();
      const reason = session.rejection();
      res.json({
        authenticated: user !== null,
        ...(user ? { username: user.username } : {}),
        ...(reason ? { reason } : {}),
        // Which store runs, as GET /healthz says too: the page words its sentences by it.
        store: store.kind,
        labEnabled: config.labEnabled,
        leakedKeyLab: leakedKeyLabEnabled(config),
        // What a browser keeps of one cookie, for the page's bars before any session exists.
        cookieLimit: cookieBudgetBytes,
      });
    },
  });

  route(router, '/session', {
    GET: (req, res) => {
      res.json(ownSession(req).report);
    },
  });

  route(router, '/session/notes', {
    PUT: async (req, res) => {
      const { session } = ownSession(req);
      const { text } = parseBody(notesBody, req.body);
      await session.setNotes(text);
      const report = session.report()!;
      res.json({
        message: text ? `Note stored: ${text.length} characters.` : 'Note removed.',
        bytes: report.bytes,
        budget: report.budget,
      });
    },
  });
}
