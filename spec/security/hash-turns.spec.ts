import { expect } from 'chai';
import { createApp } from '../../server/app.ts';
import { HttpError } from '../../server/http/errors.ts';
import { createHashTurns, type HashTurns } from '../../server/http/hash-turns.ts';
import type { PasswordHasher } from '../../server/passwords/hasher.ts';
import { alice, removeTestApp, request, testApp, type TestApp } from '../support/test-app.ts';

/** Jobs that finish when the spec says so, and the order in which they started. */
class Gate {
  started: string[] = [];
  private finishers = new Map<string, () => void>();
  job(name: string): () => Promise<string> {
    return () =>
      new Promise((resolve) => {
        this.started.push(name);
        this.finishers.set(name, () => resolve(name));
      });
  }
  finish(name: string): void {
    this.finishers.get(name)!();
  }
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('security: hashing turns, so one address cannot starve the others', () => {
  let gate: Gate;
  let turns: HashTurns;
  beforeEach(() => (gate = new Gate()));
  const run = (address: string, name: string) => turns.run(address, gate.job(name));

  it('gives a free slot to the waiting address with the fewest hashes running, not the first in line', async () => {
    turns = createHashTurns(2, 10);
    const all = ['A1', 'A2', 'A3', 'A4'].map((name) => run('A', name));
    all.push(run('B', 'B1'));
    await settle();
    expect(gate.started).to.deep.equal(['A1', 'A2']);
    gate.finish('A1');
    await settle();
    expect(gate.started).to.deep.equal(['A1', 'A2', 'B1']);
    gate.finish('A2');
    await settle();
    expect(gate.started).to.deep.equal(['A1', 'A2', 'B1', 'A3']);
    for (const name of ['B1', 'A3', 'A4']) {
      gate.finish(name);
      await settle();
    }
    expect(await Promise.all(all)).to.deep.equal(['A1', 'A2', 'A3', 'A4', 'B1']);
  });

  it('serves addresses in turn, one hash each, however many one of them sends', async () => {
    turns = createHashTurns(1, 10);
    const all = [
      run('A', 'A1'),
      run('A', 'A2'),
      run('A', 'A3'),
      run('B', 'B1'),
      run('C', 'C1'),
      run('B', 'B2'),
    ];
    for (const name of ['A1', 'A2', 'B1', 'C1', 'A3', 'B2']) {
      await settle();
      expect(gate.started.at(-1)).to.equal(name);
      gate.finish(name);
    }
    await Promise.all(all);
    expect(gate.started).to.deep.equal(['A1', 'A2', 'B1', 'C1', 'A3', 'B2']);
  });

  it('answers 429 with Retry-After at exactly the per-address bound, and only for that address', async () => {
    turns = createHashTurns(1, 3);
    const held = [run('A', 'A1'), run('A', 'A2'), run('A', 'A3')];
    const refused = await run('A', 'A4').catch((error: unknown) => error);
    expect(refused).to.be.instanceOf(HttpError);
    expect(refused).to.include({ status: 429, code: 'too_many_attempts' });
    expect((refused as HttpError).headers).to.deep.equal({ 'Retry-After': '1' });
    expect((refused as HttpError).message).to.equal(
      'Too many password checks at once from your address (3); try again in 1 second.',
    );
    const other = run('B', 'B1');
    await settle();
    gate.finish('A1');
    await held[0];
    // One of A's three has finished: A may queue one more.
    const again = run('A', 'A5');
    for (let finished = 1; finished < 5; finished++) {
      await settle();
      gate.finish(gate.started[finished]!);
    }
    expect(await Promise.all([...held, other, again])).to.deep.equal(['A1', 'A2', 'A3', 'B1', 'A5']);
    expect(gate.started).not.to.include('A4');
  });

  it('still counts the hashes an address has running once none of its own are waiting', async () => {
    turns = createHashTurns(3, 2);
    const first = [run('A', 'A1'), run('A', 'A2')];
    await settle();
    gate.finish('A1');
    await first[0];
    // A2 still runs: one more fits the bound of 2, the next does not.
    const third = run('A', 'A3');
    const refused = await run('A', 'A4').catch((error: unknown) => error);
    expect(refused).to.include({ status: 429, code: 'too_many_attempts' });
    await settle();
    gate.finish('A2');
    gate.finish('A3');
    expect(await Promise.all([first[1], third])).to.deep.equal(['A2', 'A3']);
  });

  it('puts an address whose checks had all ended behind the addresses already waiting', async () => {
    turns = createHashTurns(1, 10);
    const a1 = run('A', 'A1');
    await settle();
    gate.finish('A1');
    await a1;
    // A has nothing running or waiting: it is forgotten, so it comes back as a newcomer.
    const b1 = run('B', 'B1');
    const c1 = run('C', 'C1');
    const a2 = run('A', 'A2');
    await settle();
    gate.finish('B1');
    await b1;
    await settle();
    expect(gate.started).to.deep.equal(['A1', 'B1', 'C1']);
    gate.finish('C1');
    await settle();
    gate.finish('A2');
    expect(await Promise.all([c1, a2])).to.deep.equal(['C1', 'A2']);
  });

  it('frees the turn when the job fails', async () => {
    turns = createHashTurns(1, 1);
    const failed = await turns
      .run('A', () => Promise.reject(new Error('worker died')))
      .catch((e: Error) => e);
    expect(failed).to.have.property('message', 'worker died');
    expect(await turns.run('A', async () => 'next')).to.equal('next');
  });
});

describe('security: every route that hashes waits for its address’s turn', () => {
  let lab: TestApp;
  afterEach(async () => removeTestApp(lab));

  it('lets another address’s login pass one address’s queued login, and refuses that address past its bound', async () => {
    lab = await testApp({ TRUST_PROXY: '1' });
    await request.execute(lab.app).post('/api/register').send(alice);
    const gate = new Gate();
    const gated: PasswordHasher = {
      ...lab.deps.hasher,
      verify: async (password, hash) => {
        await gate.job(password)();
        return lab.deps.hasher.verify(password, hash);
      },
    };
    const turns = createHashTurns(2, 3);
    const asked: string[] = [];
    const app = createApp({
      ...lab.deps,
      hasher: gated,
      throttle: {
        ...lab.deps.throttle,
        hashTurns: { run: (address, job) => (asked.push(address), turns.run(address, job)) },
      },
    });
    const login = (from: string, password: string) =>
      request
        .execute(app)
        .post('/api/login')
        .set('X-Forwarded-For', from)
        .send({ username: alice.username, password })
        .then((res) => res);
    const until = async (done: () => boolean) => {
      for (const deadline = Date.now() + 5_000; !done(); await settle()) {
        if (Date.now() > deadline) throw new Error('the app never got there');
      }
    };
    // One address sends three: two hash, the third waits.
    const flood = ['flood one 1', 'flood two 2', 'flood three 3'].map((pw) => login('203.0.113.1', pw));
    await until(() => gate.started.length === 2 && asked.length === 3);
    const refused = await login('203.0.113.1', 'flood four 4');
    expect(refused).to.have.status(429);
    expect(refused.body.error).to.equal('too_many_attempts');
    expect(refused).to.have.header('retry-after', '1');
    expect(refused.body.retryAfterSeconds, 'the same wait, for a script that reads the body').to.equal(1);
    const other = login('2001:db8::1', alice.password);
    await until(() => asked.length === 5);
    gate.finish(gate.started[0]!);
    await until(() => gate.started.length === 3);
    expect(gate.started[2], 'the other address hashes before the flood’s third').to.equal(alice.password);
    for (const password of gate.started.slice(1)) gate.finish(password);
    await until(() => gate.started.length === 4);
    gate.finish(gate.started[3]!);
    expect(await other).to.have.status(200);
    for (const res of await Promise.all(flood)) expect(res).to.have.status(401);
  });
});
