// What the session layer refuses, in its own terms. server/http/errors.ts turns each into
// its HTTP answer (status, code, headers): sessions know nothing of HTTP.

/** A cookie store's session would no longer fit its cookie: it was not sent, and the session is unchanged. */
export class CookieTooLargeError extends Error {
  constructor(
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(
      `The session cookie would be ${bytes} bytes; browsers drop cookies over ${limit} bytes, so it was not sent and your session is unchanged. Store less in it.`,
    );
    this.name = 'CookieTooLargeError';
  }
}

/** The session store did not answer, or refused: the client did nothing wrong and may retry. */
export class SessionStoreUnavailableError extends Error {
  constructor(readonly kind: string) {
    super(
      `The session store (${kind}) is not answering, so sessions cannot be read or changed. Try again in a moment.`,
    );
    this.name = 'SessionStoreUnavailableError';
  }
}
