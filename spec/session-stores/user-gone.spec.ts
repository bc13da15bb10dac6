import { expect } from 'chai';
import { forEachStore } from '../support/stores.ts';
import { loginAs, removeTestApp, testApp, type TestApp, withCookie } from '../support/test-app.ts';

// A session whose user no longer exists: the account went by some way that ended none of
// its sessions (another instance's store, an edit of the user file). Every route that
// needs a user must refuse it, not only GET /api/me, which reads the user itself.
forEachStore('a session whose user is gone', (store) => {
  let lab: TestApp;
  beforeEach(async () => (lab = await testApp(store.env())));
  afterEach(async () => lab && removeTestApp(lab));

  it('is refused as revoked by every route that needs a session', async () => {
    const cookie = await loginAs(lab);
    const get = (url: string) => withCookie(lab, cookie).get(url);
    expect(await get('/api/users')).to.have.status(200);
    const user = (await lab.deps.users.findByUsername('alice'))!;
    // The user record alone: its sessions are left where they are.
    expect(await lab.deps.users.delete(user.id)).to.equal(true);
    expect(await lab.deps.users.delete(user.id), 'a second delete finds no one').to.equal(false);

    const session = await get('/api/session');
    expect(session).to.have.status(401);
    expect(session.body.reason).to.equal('revoked');
    expect(await get('/api/users')).to.have.status(401);
    expect(await get('/api/me')).to.have.status(401);
    const notes = await withCookie(lab, cookie).put('/api/session/notes').send({ text: 'still here?' });
    expect(notes).to.have.status(401);
  });
});
