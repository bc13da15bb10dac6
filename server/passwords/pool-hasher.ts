import { Piscina } from 'piscina';
import { verifyWithDummy, type PasswordHasher } from './hasher.ts';

const workerFile = new URL('./bcrypt-worker.mjs', import.meta.url).href;

/**
 * Hashes and verifies in a pool of worker threads, one per core by default: the event
 * loop only passes messages, so other requests are answered while logins are checked,
 * and a login storm uses every core instead of one.
 */
export function createPoolHasher(cost: number, threads: number): PasswordHasher {
  const pool = new Piscina({
    filename: workerFile,
    // A fixed size: threads are started once, at boot, not at the first login of a storm.
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: Number.POSITIVE_INFINITY,
    // The worker is plain JavaScript: not passing the parent's flags down (tsx's loader
    // among them) makes a thread start several times faster.
    execArgv: [],
    // Hashing is the one job here that may wait: at a lower priority (Linux nice +10,
    // through piscina's optional @napi-rs/nice) the workers still get every idle cycle,
    // but the event loop thread wins the core the moment a request arrives.
    niceIncrement: 10,
  });
  const hash = (password: string): Promise<string> => pool.run({ password, cost }, { name: 'hash' });
  const compare = (password: string, stored: string): Promise<boolean> =>
    pool.run({ password, hash: stored }, { name: 'verify' });

  // Made at start, so even the first unknown username costs one comparison, like the rest.
  const dummy = hash('dummy password for unknown users');
  dummy.catch(() => {}); // a failure surfaces at the first verify that needs it

  return {
    hash,
    // The dummy for unknown users and over-long passwords, as in createBcryptHasher.
    verify: verifyWithDummy(compare, dummy),
    // Lets running hashes finish (graceful shutdown has already stopped new requests).
    close: () => pool.close(),
  };
}
