import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import bcrypt from 'bcryptjs';
import { expect } from 'chai';
import { createHasher } from '../server/passwords/create-hasher.ts';
import type { PasswordHasher } from '../server/passwords/hasher.ts';

// One contract, two ways of keeping it: the worker pool the server runs with, and
// bcryptjs on the main thread (HASH_WORKERS=0) that the benchmark contrasts it with.
// How fast either is, and what it does to the event loop, is for `npm run bench:hashing`.
const hashers: [string, number][] = [
  ['a pool of two worker threads', 2],
  ['bcryptjs on the main thread', 0],
];

for (const [name, hashWorkers] of hashers) {
  describe(`password hashing with ${name}`, () => {
    let hasher: PasswordHasher;
    before(() => (hasher = createHasher({ bcryptCost: 4, hashWorkers })));
    after(async () => hasher.close());

    it('stores a salted bcrypt hash at the configured cost, never the password', async () => {
      const [first, second] = await Promise.all([hasher.hash('correct horse'), hasher.hash('correct horse')]);
      expect(bcrypt.getRounds(first)).to.equal(4);
      expect(first).not.to.include('correct horse');
      expect(first, 'a fresh salt each time').not.to.equal(second);
      expect(bcrypt.compareSync('correct horse', first)).to.equal(true);
    });

    it('accepts the right password and refuses a wrong one', async () => {
      const stored = await hasher.hash('correct horse');
      expect(await hasher.verify('correct horse', stored)).to.equal(true);
      expect(await hasher.verify('correct horsE', stored)).to.equal(false);
    });

    it('refuses every password for an unknown user', async () => {
      expect(await hasher.verify('dummy password for unknown users', undefined)).to.equal(false);
      expect(await hasher.verify('anything at all', undefined)).to.equal(false);
    });

    it('refuses the right password with anything after its 72nd byte', async () => {
      const password = 'x'.repeat(72);
      const stored = await hasher.hash(password);
      expect(bcrypt.compareSync(password + 'tail', stored), 'bcrypt alone would let it in').to.equal(true);
      expect(await hasher.verify(password + 'tail', stored)).to.equal(false);
      expect(await hasher.verify(password, stored)).to.equal(true);
    });

    it('answers many requests at once, each with its own result', async () => {
      const stored = await hasher.hash('correct horse');
      const tries = Array.from({ length: 20 }, (_, i) => (i % 2 ? 'correct horse' : `wrong ${i}`));
      const answers = await Promise.all(tries.map((password) => hasher.verify(password, stored)));
      expect(answers).to.deep.equal(tries.map((password) => password === 'correct horse'));
    });
  });
}

// Where the hashing runs, counted in this process's threads (Linux lists them in
// /proc/self/task): the pool adds its worker threads, bcryptjs on the main thread adds none.
// And the pool must end its threads at close, or a server that shut down would keep them.
describe('the hashing pool', () => {
  const threads = () => readdirSync('/proc/self/task').length;
  // libuv starts its own four threads at the first file read: started before counting.
  before(async () => void (await readFile('/proc/self/status')));

  it('hashes in worker threads when HASH_WORKERS > 0, and none are left after close', async () => {
    const before = threads();
    const pool = createHasher({ bcryptCost: 4, hashWorkers: 2 });
    await pool.hash('correct horse');
    expect(threads(), 'two worker threads or more').to.be.at.least(before + 2);
    await pool.close();
    expect(threads(), 'closed with its threads').to.equal(before);
  });

  it('starts no thread with HASH_WORKERS=0', async () => {
    const before = threads();
    const mainThread = createHasher({ bcryptCost: 4, hashWorkers: 0 });
    await mainThread.hash('correct horse');
    expect(threads()).to.equal(before);
    await mainThread.close();
  });
});
