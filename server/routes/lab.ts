import type { Router } from 'express';
import type { Config } from '../config.ts';
import { parseBody } from '../http/body.ts';
import { HttpError } from '../http/errors.ts';
import { route } from '../http/methods.ts';
import { pastedCookieValue } from '../sessions/cookie/header.ts';
import { sessionOf } from '../sessions/port.ts';
import type { AppDeps } from './deps.ts';
import { requireUser } from './require-user.ts';
import { forgeBody, notesBody, replayBody } from './schemas.ts';

/**
 * The leaked-key lab reads and mints sessions with the server's own key, and rotates it.
 * Never in production, whatever LAB_ENABLED says: there the page explains the
 * command-line tool (npm run cookie) instead.
 */
export const leakedKeyLabEnabled = (config: Config): boolean =>
  config.labEnabled && config.mode !== 'production';

/**
 * The lab's demos, under /api. The replay answers what the server would do with a cookie value a
 * student copied from devtools: it changes nothing and answers only accepted-as-whom or a
 * one-word reason, yet it is still an oracle, so production serves it only with
 * LAB_ENABLED=1, as it does the silent-drop note.
 */
export function labRoutes(router: Router, { config, store, users }: AppDeps): void {
  // Without the lab the paths are as unknown as any other (the /api router's 404).
  if (!config.labEnabled) return;
  route(router, '/lab/replay', {
    POST: async (req, res) => {
      const { cookie } = parseBody(replayBody, req.body);
      res.json(await store.replay(pastedCookieValue(cookie)));
    },
  });

  // The note the 413 guard would refuse, sent anyway for this one answer: the page then
  // shows what a browser does with a Set-Cookie over 4,096 bytes (it keeps the old cookie).
  route(router, '/lab/notes-over-budget', {
    PUT: [
      requireUser,
      async (req, res) => {
        const { text } = parseBody(notesBody, req.body);
        const session = sessionOf(req);
        await session.setNotes(text, { overBudget: true });
        const report = session.report()!;
        res.json({
          message: `Note stored: ${text.length} characters, with no size check.`,
          bytes: report.bytes,
          limit: report.limit,
        });
      },
    ],
  });

  if (!leakedKeyLabEnabled(config)) return;

  route(router, '/lab/key/decode', {
    POST: (req, res) => {
      const { cookie } = parseBody(replayBody, req.body);
      const reading = store.leakedKey.decode(pastedCookieValue(cookie));
      res.json(reading ? { opened: true, ...reading } : { opened: false });
    },
  });
  route(router, '/lab/key/forge', {
    POST: async (req, res) => {
      const { username } = parseBody(forgeBody, req.body);
      const user = await users.findByUsername(username);
      // The lab forges only for accounts that exist: a forger reads them from the user file.
      if (!user) throw new HttpError(404, 'unknown_user', `There is no user named ${username}.`);
      res.json({ name: store.leakedKey.name, value: store.leakedKey.forge(user), username: user.username });
    },
  });
  route(router, '/lab/key/rotate', {
    POST: (_req, res) => {
      store.leakedKey.rotate();
      res.json({
        message:
          'The server now holds one new key, in this process only (a restart brings back the configured one). Every cookie issued before, genuine or forged, is refused from now on.',
      });
    },
  });
}
