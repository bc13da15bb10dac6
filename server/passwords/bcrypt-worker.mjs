// Runs inside the hashing pool's worker threads. Plain JavaScript on purpose: a worker
// thread starts without the TypeScript loader unless one is passed down to it, and this
// file then loads the same under `npm start`, mocha and the benchmark.
import bcrypt from 'bcryptjs';

// The *Sync calls are right here and only here: each worker owns a core and has no event
// loop that anyone waits on, so slicing the work (as bcryptjs' async API does) would only
// add overhead.

/** @param {{ password: string, cost: number }} task */
export function hash({ password, cost }) {
  return bcrypt.hashSync(password, cost);
}

/** @param {{ password: string, hash: string }} task */
export function verify({ password, hash }) {
  return bcrypt.compareSync(password, hash);
}
