import { RedisStore } from 'connect-redis';
import type { Logger } from '../../log.ts';
import type { Backing } from './backing.ts';
import { redisSetIndex } from './user-index.ts';
import { connectRedis } from '../../redis.ts';
import { answersWithin, reasonOf, redactUrl, storeDeadlineMs } from '../../services.ts';

// The client's own timeouts free its resources; what bounds a request is withDeadline
// (deadline.ts), since this client forgets a command's timeout once the command is sent.
/** Longest wait between two reconnection attempts while Redis is down. */
const maxReconnectDelayMs = 2_000;

export interface RedisBackingOptions {
  url: string;
  namespace: string;
  log: Logger;
}

/**
 * Sessions in Redis through connect-redis: `<namespace>:sess:<id>` holds the JSON record
 * with a TTL that ends with the session, so Redis itself deletes what expires.
 */
export async function createRedisBacking({ url, namespace, log }: RedisBackingOptions): Promise<Backing> {
  let lost = false;
  const client = await connectRedis(url, {
    commandTimeoutMs: storeDeadlineMs,
    connectTimeoutMs: storeDeadlineMs,
    maxReconnectDelayMs,
    // The outage itself is logged once by withDeadline; these say why, for LOG_LEVEL=debug.
    onError(error, connected) {
      if (!connected || lost) return;
      lost = true;
      log.debug(`redis session store connection lost (${redactUrl(url)}: ${reasonOf(error)})`);
    },
  });
  client.on('ready', () => {
    if (lost) log.debug(`redis session store reconnected (${redactUrl(url)})`);
    lost = false;
  });

  const sessionPrefix = `${namespace}:sess:`;
  return {
    kind: 'redis',
    store: new RedisStore({ client, prefix: sessionPrefix }),
    index: redisSetIndex(client, namespace, sessionPrefix),
    isReady: () => client.isReady,
    recordKey: (sid) => sessionPrefix + sid,
    async count() {
      let records = 0;
      for await (const keys of client.scanIterator({ MATCH: `${sessionPrefix}*`, COUNT: 500 })) {
        records += keys.length;
      }
      return records;
    },
    ping: async (timeoutMs) => client.isReady && (await answersWithin(timeoutMs, client.ping())),
    async close() {
      client.destroy();
    },
  };
}
