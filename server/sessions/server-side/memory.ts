import session from 'express-session';
import createMemoryStore from 'memorystore';
import type { Backing } from './backing.ts';
import { scanIndex } from './user-index.ts';

const MemoryStore = createMemoryStore(session);

/**
 * Sessions in this process's memory, with memorystore rather than express-session's own
 * MemoryStore: that one deletes an expired session only when someone asks for it again,
 * so every abandoned session stays for the life of the process (docs/session-stores.md
 * shows the count). memorystore drops expired entries every `pruneSeconds`.
 */
export function createMemoryBacking({ pruneSeconds }: { pruneSeconds: number }): Backing {
  const store = new MemoryStore({ checkPeriod: pruneSeconds * 1000 });
  return {
    kind: 'memory',
    store,
    index: scanIndex(store),
    isReady: () => true,
    // memorystore's cache is keyed by the bare id.
    recordKey: (sid) => sid,
    // The cache's own count: it includes expired entries until a prune (or a read) drops them.
    count: () =>
      new Promise((resolve, reject) =>
        store.length((error, length) => (error ? reject(error) : resolve(length ?? 0))),
      ),
    ping: async () => true,
    async close() {
      store.stopInterval();
    },
  };
}
