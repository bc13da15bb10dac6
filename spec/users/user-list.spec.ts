import { expect } from 'chai';
import { forEachUserStore } from '../support/stores.ts';
import { loginAs, removeTestApp, testApp, type TestApp, withCookie } from '../support/test-app.ts';

// GET /api/users in pages: a JSON array of at most `limit` users ordered by username, and
// a Link header to the next page while more remain. The same in both user stores.
forEachUserStore('the user list, a page at a time', (store) => {
  let lab: TestApp;
  let cookie: string;
  beforeEach(async () => {
    lab = await testApp(store.env());
    cookie = await loginAs(lab, { username: 'aaa-admin', password: 'correct horse battery' });
  });
  afterEach(async () => lab && removeTestApp(lab));

  const list = (query = '') => withCookie(lab, cookie).get(`/api/users${query}`);
  /** Adds users straight to the store: the list is under test, not registration. */
  const addUsers = async (names: string[]) => {
    for (const name of names) await lab.deps.users.create(name, 'not a real hash');
  };
  const nextOf = (res: ChaiHttp.Response) =>
    /^<([^>]+)>; rel="next"$/.exec(String(res.headers.link ?? ''))?.[1];

  it('walks every user once, by username without regard to case, following Link', async () => {
    await addUsers(['carol', 'Bob', 'dave', 'Eve', 'alice']);
    const seen: string[] = [];
    const sizes: number[] = [];
    let next: string | undefined = '/api/users?limit=2';
    while (next) {
      const res = await withCookie(lab, cookie).get(next);
      expect(res).to.have.status(200);
      expect(res.body).to.be.an('array');
      expect(res.body[0]).to.have.all.keys('id', 'username', 'createdAt');
      sizes.push(res.body.length);
      seen.push(...res.body.map((user: { username: string }) => user.username));
      next = nextOf(res);
    }
    expect(seen).to.deep.equal(['aaa-admin', 'alice', 'Bob', 'carol', 'dave', 'Eve']);
    expect(sizes).to.deep.equal([2, 2, 2]);
    // The store itself reads no more than the page it is asked for.
    expect(await lab.deps.users.list({ limit: 3, after: 'alice' })).to.have.length(3);
  });

  it('starts after the given username, in any case, and sends no Link on the last page', async () => {
    await addUsers(['bob', 'carol']);
    const res = await list('?after=BOB');
    expect(res).to.have.status(200);
    expect(res.body.map((user: { username: string }) => user.username)).to.deep.equal(['carol']);
    expect(res.headers).not.to.have.property('link');
    expect((await list('?after=zzz')).body).to.deep.equal([]);
  });

  it('sends 100 users by default, 1 with limit=1 and 500 with limit=500, linking to the rest', async function () {
    this.timeout(60_000);
    const names = Array.from({ length: 500 }, (_, i) => `user-${String(i).padStart(3, '0')}`);
    await addUsers(names);
    const byDefault = await list();
    expect(byDefault.body).to.have.length(100);
    expect(nextOf(byDefault)).to.equal('/api/users?limit=100&after=user-098');
    const one = await list('?limit=1');
    expect(one.body).to.have.length(1);
    expect(nextOf(one)).to.equal('/api/users?limit=1&after=aaa-admin');
    const most = await list('?limit=500');
    expect(most.body).to.have.length(500);
    expect(nextOf(most)).to.equal('/api/users?limit=500&after=user-498');
    const last = await list('?limit=500&after=user-498');
    expect(last.body.map((user: { username: string }) => user.username)).to.deep.equal(['user-499']);
    expect(last.headers).not.to.have.property('link');
  });

  for (const [query, field] of [
    ['?limit=0', 'limit'],
    ['?limit=501', 'limit'],
    ['?limit=abc', 'limit'],
    ['?limit=', 'limit'],
    ['?limit=1.5', 'limit'],
    ['?limit=-1', 'limit'],
    ['?limit=1&limit=2', 'limit'],
    ['?after=', 'after'],
    ['?after=a&after=b', 'after'],
    [`?after=${'x'.repeat(257)}`, 'after'],
  ] as const) {
    it(`answers ${query.length > 40 ? query.slice(0, 40) + '…' : query} with 400 naming ${field}`, async () => {
      const res = await list(query);
      expect(res).to.have.status(400);
      expect(res.body.error).to.equal('invalid_request');
      expect(res.body.message).to.match(new RegExp(`^${field}: `));
    });
  }
});
