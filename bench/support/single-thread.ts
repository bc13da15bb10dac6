import bcrypt from 'bcryptjs';

/**
 * bcryptjs' rate on one thread with nothing else to do: the ceiling of a server that
 * hashes on its main thread, and the yardstick for the pool. Runs in this process,
 * before any server starts.
 */
export function singleThreadComparesPerSecond(cost: number, seconds: number): number {
  const stored = bcrypt.hashSync('correct horse battery', cost);
  bcrypt.compareSync('correct horse battery', stored); // warm up the JIT
  const start = performance.now();
  let compares = 0;
  while (performance.now() - start < seconds * 1000) {
    bcrypt.compareSync('correct horse battery', stored);
    compares++;
  }
  return compares / ((performance.now() - start) / 1000);
}
