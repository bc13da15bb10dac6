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
