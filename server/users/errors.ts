/**
 * The user store did not answer in time (USER_STORE=postgres): a route that needs a user
 * cannot go on, the client did nothing wrong and may retry. server/http/errors.ts gives it
 * its HTTP answer (503 user_store_unavailable): users know nothing of HTTP.
 */
export class UserStoreUnavailableError extends Error {
  constructor() {
    super('The user store is not answering, so accounts cannot be read or changed. Try again in a moment.');
    this.name = 'UserStoreUnavailableError';
  }
}
