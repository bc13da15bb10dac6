import { HttpError } from '../http/errors.ts';

/** A route that needs a user while the user store is down: the client may retry, it did nothing wrong. */
export const userStoreUnavailable = (): HttpError =>
  new HttpError(
    503,
    'user_store_unavailable',
    'The user store is not answering, so accounts cannot be read or changed. Try again in a moment.',
    { 'Retry-After': '1' },
  );

export const isUserStoreUnavailable = (error: unknown): boolean =>
  error instanceof HttpError && error.code === 'user_store_unavailable';
