import { expect } from 'chai';
import { Piscina } from 'piscina';
import { createBcryptHasher, verifyWithDummy } from '../server/passwords/hasher.ts';
import { createPoolHasher } from '../server/passwords/pool-hasher.ts';

// An unknown username must cost what a wrong password costs: one full bcrypt comparison.
// At cost 4 a comparison takes a millisecond and no timing can tell one from none, so
// these specs count the comparisons instead of timing them.
describe('the dummy comparison for unknown users', () => {
  const stored = '$2b$04$abcdefghijklmnopqrstuuKzJ0yPl2C4/TLg/Tq0fM2cLxjbNBxGu';
  const dummyHash = '$2b$04$0123456789012345678901uOnXoYvi6GgeGg8cUK6ppPcXjCV3H.u';

  function counted() {
    const compared: string[] = [];
    const verify = verifyWithDummy(async (_password, hash) => {
      compared.push(hash);
      return false;
    }, Promise.resolve(dummyHash));
    return { compared, verify };
  }

  it('compares an unknown user once, against the dummy', async () => {
    const { compared, verify } = counted();
    expect(await verify('a password', undefined)).to.equal(false);
    expect(compared).to.deep.equal([dummyHash]);
  });

  it('compares a password over 72 bytes once, against the dummy, and never lets it in', async () => {
    const { compared, verify } = counted();
    expect(await verify('x'.repeat(73), stored)).to.equal(false);
    expect(compared).to.deep.equal([dummyHash]);
  });

  it('compares a known user once, against the stored hash', async () => {
    const { compared, verify } = counted();
    await verify('a password', stored);
    expect(compared).to.deep.equal([stored]);
  });

  it('is what the main-thread hasher does', async () => {
    const hasher = createBcryptHasher(4);
    const hash = await hasher.hash('a password');
    expect(await hasher.verify('a password', hash)).to.equal(true);
    expect(await hasher.verify('a password', undefined)).to.equal(false);
    await hasher.close();
  });

  describe('in the worker pool (npm start)', function () {
    this.timeout(20_000);
    const run = Piscina.prototype.run;
    const tasks: { name: string; hash?: string }[] = [];
    before(() => {
      // A spy on the pool itself: every task the hasher sends to a worker, by name.
      Piscina.prototype.run = function (this: Piscina, task: { hash?: string }, options?: { name?: string }) {
        tasks.push({ name: options?.name ?? '', hash: task.hash });
        return run.call(this, task, options);
      } as typeof run;
    });
    after(() => (Piscina.prototype.run = run));

    it('sends a worker one comparison against a real hash for an unknown user', async () => {
      const hasher = createPoolHasher(4, 1);
      try {
        await hasher.verify('warm-up', await hasher.hash('warm-up'));
        tasks.length = 0;
        expect(await hasher.verify('a password', undefined)).to.equal(false);
        expect(tasks).to.have.length(1);
        expect(tasks[0]!.name).to.equal('verify');
        expect(tasks[0]!.hash).to.match(/^\$2[aby]\$04\$.{53}$/);
      } finally {
        await hasher.close();
      }
    });
  });
});
