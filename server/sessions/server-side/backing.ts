import type { Store } from 'express-session';
import type { UserIndex } from './user-index.ts';

/** What a server-side store kind brings: express-session's store, its per-user index, its health. */
export interface Backing {
  readonly kind: 'memory' | 'redis' | 'postgres' | 'memcached';
  readonly store: Store;
  readonly index: UserIndex;
  /**
   * False while the client already knows the service is gone (Redis between reconnects):
   * a request then gets its 503 without trying. True means "try", not "it will work".
   */
  isReady(): boolean;
  /** Where this store keeps the record of a session id, as its own tools name it. */
  recordKey(sid: string): string;
  /** Records held now, expired ones the store has not deleted yet included. */
  count(): Promise<number>;
  /** One round trip to the service, given up after timeoutMs. */
  ping(timeoutMs: number): Promise<boolean>;
  /** Stops timers and closes connections; the records stay where they are. */
  close(): Promise<void>;
}
