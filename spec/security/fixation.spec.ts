import { expect } from 'chai';
import clientSessions from 'client-sessions';
import {
  alice,
  cookieValue,
  loginAs,
  removeTestApp,
  request,
  setCookieFor,
  testApp,
  type TestApp,
  testSecret,
  withCookie,
} from '../support/test-app.ts';

const key = { cookieName: 'session', secret: testSecret };
const open = (value: string) => clientSessions.util.decode(key, value);

describe('security: a new session on login (fixation)', () => {
  let lab: TestApp;
  beforeEach(async () => (lab = await testApp()));
  afterEach(async () => removeTestApp(lab));

  const loginWith = (cookie: string) => withCookie(lab, cookie).post('/api/login').send(alice);

  it('keeps nothing of an anonymous cookie planted before login', async () => {
    await request.execute(lab.app).post('/api/register').send(alice);
    // What an attacker could plant if they held the key or a cookie of their own making:
    // fields the server never wrote, for the victim's browser to carry into the login.
    const planted = clientSessions.util.encode(
      key,
      { plantedBy: 'mallory', notes: 'planted before login', role: 'admin' },
      600_000,
      lab.clock.ms,
    );
    const res = await loginWith(planted);
    expect(res).to.have.status(200);
    const fresh = cookieValue(setCookieFor(res));
    expect(fresh).not.to.equal(planted);
    expect(open(fresh).content).to.have.all.keys('userId', 'username', 'version', 'issuedAt');
    expect(open(fresh).content).to.include({ username: 'alice', issuedAt: lab.clock.ms });
  });

  it('keeps nothing of the notes stored in the session before logging in again', async () => {
    const agent = request.agent(lab.app);
    try {
      await loginAs(lab, { username: 'bob', password: 'bob password 1' });
      await agent.post('/api/register').send(alice);
      expect(
        await agent.post('/api/login').send({ username: 'bob', password: 'bob password 1' }),
      ).to.have.status(200);
      expect(await agent.put('/api/session/notes').send({ text: 'bob was here' })).to.have.status(200);
      const res = await agent.post('/api/login').send(alice);
      expect(res).to.have.status(200);
      const session = await agent.get('/api/session');
      expect(session.body.payload).to.include({ username: 'alice' });
      expect(JSON.stringify(session.body)).not.to.include('bob was here');
    } finally {
      agent.close();
    }
  });

  it("keeps nothing of another user's session when someone logs in over it", async () => {
    await loginAs(lab, { username: 'bob', password: 'bob password 1' });
    const bob = (await lab.deps.users.findByUsername('bob'))!;
    lab.clock.advance(60);
    // A valid session of bob's, carrying a note, on a shared computer.
    const bobs = clientSessions.util.encode(
      key,
      { userId: bob.id, username: 'bob', version: 0, issuedAt: lab.clock.ms - 30_000, notes: 'bob was here' },
      600_000,
      lab.clock.ms,
    );
    expect((await withCookie(lab, bobs).get('/api/me')).body.username).to.equal('bob');
    await request.execute(lab.app).post('/api/register').send(alice);
    const res = await loginWith(bobs);
    expect(res).to.have.status(200);
    const content = open(cookieValue(setCookieFor(res))).content;
    expect(content).to.have.all.keys('userId', 'username', 'version', 'issuedAt');
    expect(content).to.include({ username: 'alice', issuedAt: lab.clock.ms });
    expect(content.userId).not.to.equal(bob.id);
  });
});
