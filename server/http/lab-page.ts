import { fileURLToPath } from 'node:url';
import express, { type RequestHandler } from 'express';

/** The lab page's folder: HTML, CSS and plain browser modules, served as they are. */
const publicDir = fileURLToPath(new URL('../public', import.meta.url));

/**
 * Serves the lab page and its files. express.static reads nothing until asked, so
 * start-up pays nothing for it. It is mounted after the API router, which answers every
 * /api path itself (a 404 for an unknown one), so API paths never reach the file system;
 * a missing file or a folder falls through to the JSON 404 too (no HTML redirect, no
 * plain-text answer).
 */
export function labPage(): RequestHandler {
  return express.static(publicDir, { index: 'index.html', redirect: false, fallthrough: true });
}
