import memjs from 'memjs';
import type { Logger } from '../../log.ts';
import type { UserRepository } from '../../users/repository.ts';
import type { Backing } from './backing.ts';
import { dumpKeys } from './memcached-dump.ts';
import { MemcachedStore } from './memcached-store.ts';
import { versionIndex } from './user-index.ts';
import { answersWithin, storeDeadlineMs, StoreUnreachableError, within } from '../../services.ts';

export interface MemcachedBackingOptions {
  servers: string[];
  namespace: string;
  users: UserRepository;
  log: Logger;
}

/** Answers once every server answered `stats`; the figures are what specs and benches read. */
export function statsOfAll(client: memjs.Client): Promise<Record<string, string>[]> {
  return new Promise((resolve, reject) => {
    const answers: Record<string, string>[] = [];
    client.stats((error, _server, stats) => {
      if (error || !stats) return reject(error ?? new Error('no stats'));
      answers.push(stats);
      if (answers.length === client.servers.length) resolve(answers);
    });
  });
}

/**
 * Sessions in Memcached through memjs: `<namespace>:sess:<id>` holds the JSON record with
 * an expiry that ends with the session. Memcached may also drop it sooner: under memory
 * pressure it evicts the least recently used items, live sessions included, and a restart
 * loses everything. It keeps no list of a user's keys, so logout-all bumps the user's
 * session version instead, as the cookie store does. With several servers each key lives
 * on one (memjs hashes it); one that fails makes the store lost (withDeadline), 503 for
 * everybody, until a ping finds every server answering again: a partial store would log
 * out a share of the users at random, which is harder to see than an outage.
 */
export async function createMemcachedBacking({
  servers,
  namespace,
  users,
  log,
}: MemcachedBackingOptions): Promise<Backing> {
  const client = memjs.Client.create(servers.join(','), {
    // One try per call (memjs retries twice by default) and its socket timeout at the app's
    // deadline: withDeadline answers the request by then, and memjs drops the dead socket.
    retries: 1,
    timeout: storeDeadlineMs / 1000,
    conntimeout: storeDeadlineMs / 1000,
    keepAlive: true,
    // memjs logs each failure to the console; withDeadline reports an outage once.
    logger: { log: (...args: unknown[]) => log.debug(`memjs: ${args.map(String).join(' ')}`) },
  });
  const shown = servers.join(',');
  try {
    await within(storeDeadlineMs, statsOfAll(client));
  } catch (error) {
    client.close();
    throw new StoreUnreachableError('MEMCACHED_SERVERS', shown, error, shown);
  }
  log.debug(`memcached session store ready: ${shown}`);

  const sessionPrefix = `${namespace}:sess:`;
  return {
    kind: 'memcached',
    store: new MemcachedStore(client, sessionPrefix),
    recordKey: (sid) => sessionPrefix + sid,
    index: versionIndex(users),
    // memjs has no connection state to ask; a failed call tells withDeadline instead.
    isReady: () => true,
    async count() {
      const keys = await Promise.all(
        servers.map((server) => dumpKeys(server, sessionPrefix, storeDeadlineMs)),
      );
      return keys.flat().length;
    },
    ping: (timeoutMs) => answersWithin(timeoutMs, statsOfAll(client)),
    async close() {
      client.close();
    },
  };
}
