import { expect } from 'chai';
import { UserCache } from '../../server/users/user-cache.ts';
import type { User } from '../../server/users/user.ts';

// The cache behind cookie checks with users in PostgreSQL: what it may keep, and when it
// must go back to the database. The clock is moved by hand.
describe('the user cache of an instance', () => {
  let ms: number;
  let cache: UserCache;
  let fetches: number;
  let version: number;
  const alice = (): User => ({
    id: 'u1',
    username: 'alice',
    passwordHash: 'h',
    createdAt: '2026-01-01T00:00:00.000Z',
    sessionVersion: version,
  });
  const fetch = async () => {
    fetches++;
    return alice();
  };
  beforeEach(() => {
    ms = 0;
    cache = new UserCache(100, () => ms);
    fetches = 0;
    version = 0;
  });

  it('keeps nothing before the first heartbeat is answered', async () => {
    await cache.read('u1', fetch);
    await cache.read('u1', fetch);
    expect(fetches).to.equal(2);
    // Nor keeps what it read then: a change may have gone unheard before the trust began.
    cache.heard(ms, 1_000);
    await cache.read('u1', fetch);
    expect(fetches).to.equal(3);
  });

  it('answers from memory until exactly freshForMs after the last answered heartbeat, then reads again', async () => {
    cache.heard(0, 1_000);
    await cache.read('u1', fetch);
    ms = 999;
    await cache.read('u1', fetch);
    expect(fetches, 'at 999 ms').to.equal(1);
    ms = 1_000;
    await cache.read('u1', fetch);
    expect(fetches, 'at 1000 ms: the channel may have stalled silently').to.equal(2);
  });

  it('forgets a user whose change was announced, and everything when the channel is lost', async () => {
    cache.heard(0, 1_000);
    await cache.read('u1', fetch);
    cache.changed('u1');
    version = 1;
    expect((await cache.read('u1', fetch))!.sessionVersion).to.equal(1);
    cache.lost();
    cache.heard(0, 1_000);
    version = 2;
    expect((await cache.read('u1', fetch))!.sessionVersion).to.equal(2);
    expect(fetches).to.equal(3);
  });

  it('does not keep a read that a change overtook on its way', async () => {
    cache.heard(0, 1_000);
    let answer: (user: User) => void = () => {};
    const slow = cache.read('u1', () => new Promise<User>((resolve) => (answer = resolve)));
    cache.changed('u1');
    answer(alice());
    await slow;
    version = 1;
    expect((await cache.read('u1', fetch))!.sessionVersion, 'read again, not the old answer').to.equal(1);
  });

  it('holds at most maxEntries users, dropping the oldest', async () => {
    cache = new UserCache(2, () => ms);
    cache.heard(0, 1_000);
    const reader = (id: string) => async () => ({ ...alice(), id });
    for (const id of ['a', 'b', 'c']) await cache.read(id, reader(id));
    const before = cache.databaseReads;
    await cache.read('c', reader('c'));
    await cache.read('b', reader('b'));
    expect(cache.databaseReads).to.equal(before);
    await cache.read('a', reader('a'));
    expect(cache.databaseReads).to.equal(before + 1);
  });
});
