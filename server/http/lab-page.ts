import { fileURLToPath } from 'node:url';
import express, { type RequestHandler } from 'express';

/** The lab page's folder: HTML, CSS and plain browser modules, served as they are. */
const publicDir = fileURLToPath(new URL('../public', import.meta.url));

/**
 * Serves the lab page and its files. express.static reads nothing until asked, so
 * start-up pays nothing for it. API paths never reach the file system: an unknown
 * /api/* goes straight on to the JSON 404, and a request for a missing file or a folder
 * falls through to it too (no HTML redirect, no plain-text answer).
 */
export function labPage(): RequestHandler {
  const files = express.static(publicDir, { index: 'index.html', redirect: false, fallthrough: true });
  return (req, res, next) => {
    if (req.path.startsWith('/api/') || req.path === '/healthz') return next();
    files(req, res, next);
  };
}
