import { HttpError } from './errors.ts';

/**
 * Password checks one address may have running or waiting at once. Far above what a
 * person or an office behind one NAT sends (the load specs send 200 registrations at
 * once): a bound on the requests one client can make the server hold (a socket and up
 * to 10 KB of body each), not a rate limit (the login throttle is that).
 */
export const hashesPerAddress = 1_000;

/** Waits for the address's turn at the hashing pool, runs the job, then frees the turn. */
export interface HashTurns {
  run<T>(address: string, job: () => Promise<T>): Promise<T>;
}

interface Client {
  running: number;
  waiting: (() => void)[];
}

/**
 * Password hashing is the scarcest thing the server has (one bcrypt at cost 12 is a
 * fifth of a second of a core), and successful logins are never throttled, so one
 * address sending 20 logins at once would queue ahead of everybody else's in the pool's
 * first-come queue. Here at most `slots` hashes run at once (the pool's threads), and a
 * free slot goes to the waiting address with the fewest hashes running, in turn among
 * equals: another address's login waits for one running hash at most, however many
 * one address sends. An address with `perAddress` checks running or waiting gets 429
 * at once, so no client can make the server hold its requests without bound.
 */
export function createHashTurns(slots: number, perAddress: number): HashTurns {
  const clients = new Map<string, Client>();
  let running = 0;

  function dispatch(): void {
    while (running < slots) {
      let next: [string, Client] | undefined;
      for (const entry of clients) {
        if (entry[1].waiting.length > 0 && (!next || entry[1].running < next[1].running)) next = entry;
      }
      if (!next) return;
      const [address, client] = next;
      // To the back of the line: among addresses with as many hashes running, each in turn.
      clients.delete(address);
      clients.set(address, client);
      running++;
      client.running++;
      client.waiting.shift()!();
    }
  }

  function release(address: string, client: Client): void {
    running--;
    client.running--;
    if (client.running === 0 && client.waiting.length === 0) clients.delete(address);
    dispatch();
  }

  return {
    async run(address, job) {
      const client = clients.get(address) ?? { running: 0, waiting: [] };
      if (client.running + client.waiting.length >= perAddress) {
        throw new HttpError(
          429,
          'too_many_attempts',
          `Too many password checks at once from your address (${perAddress}); try again in 1 second.`,
          { 'Retry-After': '1' },
          { retryAfterSeconds: 1 },
        );
      }
      clients.set(address, client);
      await new Promise<void>((resolve) => {
        client.waiting.push(resolve);
        dispatch();
      });
      try {
        return await job();
      } finally {
        release(address, client);
      }
    },
  };
}
