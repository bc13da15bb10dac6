import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../log.ts';
import { CookieTooLargeError, SessionStoreUnavailableError } from '../sessions/errors.ts';
import { UserStoreUnavailableError } from '../users/errors.ts';

/** An answer for the client's mistake: it becomes `{ error, message }` with this status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const notAuthenticated = (): HttpError =>
  new HttpError(401, 'not_authenticated', 'Log in first: this route needs a session.');

export const notFound: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, 'not_found', `Nothing here: ${req.method} ${req.baseUrl}${req.path}.`));
};

interface BodyParserError {
  type?: string;
  /** http-errors' flag: true on a 4xx, the client's mistake. */
  expose?: boolean;
}

// body-parser tags its errors with a `type`; each is the client's mistake, not ours.
function fromBodyParser(error: BodyParserError): HttpError | undefined {
  switch (error.type) {
    case 'entity.parse.failed':
      return new HttpError(400, 'invalid_json', 'The request body is not valid JSON.');
    case 'entity.too.large':
      return new HttpError(413, 'body_too_large', 'The request body is larger than 10 KB.');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HttpError(415, 'unsupported_encoding', 'Send the body as UTF-8 JSON.');
    default:
      // Any other 4xx of body-parser's (an aborted or short body, or one that fails to
      // inflate under its Content-Encoding, found by the fuzz suite, which is untyped). A
      // 5xx of its own, like any error we did not foresee, is ours: internal_error.
      return error.expose
        ? new HttpError(400, 'bad_request', 'The request body could not be read.')
        : undefined;
  }
}

// The session and user layers' refusals, in HTTP terms.
function fromDomain(error: unknown): HttpError | undefined {
  if (error instanceof CookieTooLargeError) {
    return new HttpError(
      413,
      'cookie_too_large',
      error.message,
      {},
      { bytes: error.bytes, limit: error.limit },
    );
  }
  if (error instanceof SessionStoreUnavailableError) {
    return new HttpError(503, 'session_store_unavailable', error.message, { 'Retry-After': '1' });
  }
  if (error instanceof UserStoreUnavailableError) {
    return new HttpError(503, 'user_store_unavailable', error.message, { 'Retry-After': '1' });
  }
  return undefined;
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    const known =
      error instanceof HttpError
        ? error
        : (fromDomain(error) ?? fromBodyParser((error ?? {}) as BodyParserError));
    if (known) {
      res.set(known.headers);
      res.status(known.status).json({ error: known.code, message: known.message, ...known.details });
      return;
    }
    // Our mistake: the client learns only that it happened; the log says where.
    log.error(
      `${req.method} ${req.path} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    res.status(500).json({ error: 'internal_error', message: 'Something went wrong on our side.' });
  };
}
