import { SessionStoreUnavailableError } from '../errors.ts';

/** A protected route while the store is down: 503 over HTTP, the client may retry. */
export const storeUnavailable = (kind: string): SessionStoreUnavailableError =>
  new SessionStoreUnavailableError(kind);
