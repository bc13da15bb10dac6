import { expect } from 'chai';
import { forEachStore } from '../support/stores.ts';
import {
  alice,
  loginAs,
  removeTestApp,
  request,
  testApp,
  type TestApp,
  withCookie,
} from '../support/test-app.ts';

// Contrast 2. The app restarts (a deploy, a crash): same user file, same keys, same store
// settings. Sessions kept in the browser or in Redis/PostgreSQL survive; sessions kept in
// the process's memory are gone with it, and everybody logs in again.
forEachStore('restart', (store) => {
  const survives = store.kind !== 'memory';
  let lab: TestApp | undefined;
  afterEach(async () => lab && removeTestApp(lab));

  it(
    survives
      ? 'keeps every session across a restart of the app'
      : 'forgets every session when the app restarts',
    async () => {
      const env = store.env();
      const before = await testApp(env);
      const cookie = await loginAs(before);
      await before.close();
      lab = await testApp(env, { dir: before.dir, clock: before.clock });
      const res = await withCookie(lab, cookie).get('/api/me');
      expect(res).to.have.status(survives ? 200 : 401);
      if (survives) expect(res.body.username).to.equal('alice');
      // The users are in the file either way: only the session was lost.
      expect(await request.execute(lab.app).post('/api/login').send(alice)).to.have.status(200);
    },
  );
});
