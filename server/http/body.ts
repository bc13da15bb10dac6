import express, { type RequestHandler } from 'express';
import type { z } from 'zod';
import { HttpError } from './errors.ts';

export const maxBodyBytes = 10 * 1024;

const methodsWithBody = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  const length = headers['content-length'];
  return headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Every body is JSON of at most 10 KB; anything else is refused before a route runs. A
 * request without a body (most GETs) passes straight on: there is nothing to check.
 */
export function jsonBody(): RequestHandler {
  const parseJson = express.json({ limit: maxBodyBytes, strict: true });
  return (req, res, next) => {
    if (!hasBody(req.headers)) return next();
    if (methodsWithBody.has(req.method) && !req.is('application/json')) {
      next(
        new HttpError(
          415,
          'unsupported_media_type',
          'Send the body as JSON with Content-Type: application/json.',
        ),
      );
      return;
    }
    parseJson(req, res, next);
  };
}

/** Parses a route's body against its schema; the first problem becomes a 400 a person can read. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.join('.');
  throw new HttpError(400, 'invalid_request', field ? `${field}: ${issue.message}` : issue.message);
}
