import { createClient } from 'redis';
import { StoreUnreachableError } from './services.ts';

// What every Redis client of the app shares: the session store and the shared throttle each
// open their own client with this helper, as server/postgres.ts does for PostgreSQL.

export type RedisClient = ReturnType<typeof createClient>;

export interface RedisClientOptions {
  /** Each command's own timeout, which frees the client's resources; callers bound requests themselves. */
  commandTimeoutMs: number;
  connectTimeoutMs: number;
  /** Longest wait between two reconnection attempts while Redis is down. */
  maxReconnectDelayMs: number;
  /** Every error the client reports, and whether it had connected by then (an unheard one would end the process). */
  onError(error: unknown, connected: boolean): void;
}

/**
 * A connected client for REDIS_URL. Commands are refused at once while Redis is away, never
 * queued until it is back (a 503, not a hang). At start-up a refusal is final, and so is a
 * URL the client cannot read (`http://…`, a database that is not a number): either is one
 * StoreUnreachableError naming REDIS_URL, never a stack. Once connected, a lost Redis is
 * reconnected to by itself, so the app heals when Redis comes back.
 */
export async function connectRedis(url: string, options: RedisClientOptions): Promise<RedisClient> {
  let connected = false;
  let client: RedisClient;
  try {
    client = createClient({
      url,
      disableOfflineQueue: true,
      commandOptions: { timeout: options.commandTimeoutMs },
      socket: {
        connectTimeout: options.connectTimeoutMs,
        reconnectStrategy: (retries, cause) =>
          connected ? Math.min(50 * 2 ** retries, options.maxReconnectDelayMs) : cause,
      },
    });
  } catch (error) {
    throw new StoreUnreachableError('REDIS_URL', url, error);
  }
  client.on('error', (error: unknown) => options.onError(error, connected));
  try {
    await client.connect();
  } catch (error) {
    client.destroy();
    throw new StoreUnreachableError('REDIS_URL', url, error);
  }
  connected = true;
  return client;
}
