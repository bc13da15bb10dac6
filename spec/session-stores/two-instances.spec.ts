import { copyFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
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

// Contrast 3. Two instances of the app behind one load balancer, with the same secret and
// nothing shared in memory (each has its own copy of the same user file, since a lowdb file
// belongs to one process). A login on one must be valid on the other.
forEachStore('two app instances with the same secret', (store) => {
  const shared = store.kind !== 'memory';
  let one: TestApp | undefined;
  let two: TestApp | undefined;
  afterEach(async () => {
    if (one) await removeTestApp(one);
    if (two) await removeTestApp(two);
  });

  it(
    shared
      ? 'accept on one instance a login made on the other'
      : 'do not know each other’s sessions: memory is per process',
    async () => {
      const env = store.env();
      one = await testApp(env);
      await request.execute(one.app).post('/api/register').send(alice);
      const dir = await mkdtemp(path.join(tmpdir(), 'cookie-lab-spec-'));
      await copyFile(path.join(one.dir, 'db.json'), path.join(dir, 'db.json'));
      two = await testApp(env, { dir, clock: one.clock });

      const cookie = await loginAs(one);
      const onTwo = await withCookie(two, cookie).get('/api/me');
      expect(onTwo).to.have.status(shared ? 200 : 401);
      if (!shared) return;

      // Logging out on instance two: a server-side store deletes the record both read;
      // a cookie store can only make this browser forget, so the copy works on one.
      await withCookie(two, cookie).post('/api/logout');
      const onOne = await withCookie(one, cookie).get('/api/me');
      expect(onOne).to.have.status(store.kind === 'cookie' ? 200 : 401);
    },
  );
});
