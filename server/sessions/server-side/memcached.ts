import memjs from 'memjs';
import type { Logger } from '../../log.ts';
import type { UserRepository } from '../../users/repository.ts';
import { within, type Backing } from './backing.ts';
import { reasonOf, StoreUnreachableError } from './errors.ts';
import { dumpKeys } from './memcached-dump.ts';
import { MemcachedStore } from './memcached-store.ts';
import { versionIndex } from './user-index.ts';

/**
 * Every Memcached call that has no answer by then fails: a stalled (SIGSTOPped) server
 * gives a 503 in 2 s, not a hung request. The project's own bound, not memjs's timeout
 * alone; it may merge with a deadline the store layer puts around every backing call.
 */
const callTimeoutMs = 2_000;
/** While Memcached is lost, how often one call checks whether it is back. */
const probeEveryMs = 500;

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
 * on one (memjs hashes it); one that fails makes the store "lost", 503 for everybody,
 * until every server answers again: a partial store would log out a share of the users
 * at random, which is harder to see than an outage.
 */
export async function createMemcachedBacking({
  servers,
  namespace,
  users,
  log,
}: MemcachedBackingOptions): Promise<Backing> {
  const client = memjs.Client.create(servers.join(','), {
    // One try per call: memjs retries (2 by default) would only stretch an outage's 503s.
    retries: 1,
    timeout: callTimeoutMs / 1000,
    conntimeout: callTimeoutMs / 1000,
    keepAlive: true,
    // memjs logs each failure to the console; the backing reports an outage once below.
    logger: { log: (...args: unknown[]) => log.debug(`memjs: ${args.map(String).join(' ')}`) },
  });
  const shown = servers.join(',');

  let lost = false;
  let probe: NodeJS.Timeout | undefined;
  const recovered = () => {
    if (!lost) return;
    lost = false;
    clearInterval(probe);
    log.info(`memcached session store is back (${shown})`);
  };
  const outage = (error: unknown) => {
    if (lost) return;
    lost = true;
    log.warn(`memcached session store lost (${shown}: ${reasonOf(error)}); session routes answer 503`);
    // Requests get their 503 at once while lost (isReady); this call alone finds it back.
    probe = setInterval(() => {
      within(callTimeoutMs, statsOfAll(client)).then(recovered, () => {});
    }, probeEveryMs);
    probe.unref();
  };
  const bounded = async <T>(work: Promise<T>): Promise<T> => {
    try {
      const result = await within(callTimeoutMs, work);
      recovered();
      return result;
    } catch (error) {
      outage(error);
      throw error;
    }
  };

  try {
    await within(callTimeoutMs, statsOfAll(client));
  } catch (error) {
    client.close();
    throw new StoreUnreachableError('MEMCACHED_SERVERS', shown, error, shown);
  }
  log.debug(`memcached session store ready: ${shown}`);

  const sessionPrefix = `${namespace}:sess:`;
  return {
    kind: 'memcached',
    store: new MemcachedStore(client, sessionPrefix, bounded),
    index: versionIndex(users),
    isReady: () => !lost,
    async count() {
      const keys = await Promise.all(servers.map((server) => dumpKeys(server, sessionPrefix, callTimeoutMs)));
      return keys.flat().length;
    },
    async ping(timeoutMs) {
      try {
        await within(timeoutMs, statsOfAll(client));
        recovered();
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      clearInterval(probe);
      client.close();
    },
  };
}
