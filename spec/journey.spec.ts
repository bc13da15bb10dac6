import { expect } from 'chai';
import { forEveryStore } from './support/stores.ts';
import { alice, removeTestApp, request, testApp, type TestApp } from './support/test-app.ts';

forEveryStore('the journey: register, login, me, users, logout', (store) => {
  let lab: TestApp;
  beforeEach(async () => (lab = await testApp(store.env())));
  afterEach(async () => lab && removeTestApp(lab));

  it('lets a registered user in with the cookie, and out again', async () => {
    const agent = request.agent(lab.app);
    try {
      const registered = await agent.post('/api/register').send(alice);
      expect(registered).to.have.status(201);
      expect(registered.body).to.have.keys('id', 'username');
      expect(registered.body.username).to.equal('alice');

      const login = await agent.post('/api/login').send(alice);
      expect(login).to.have.status(200);
      expect(login.body).to.deep.equal({ message: 'Welcome alice!' });
      expect(login).to.have.cookie('session');

      const me = await agent.get('/api/me');
      expect(me).to.have.status(200);
      expect(me.body).to.include({ id: registered.body.id, username: 'alice' });

      const users = await agent.get('/api/users');
      expect(users).to.have.status(200);
      expect(users.body).to.deep.equal([
        { id: registered.body.id, username: 'alice', createdAt: me.body.createdAt },
      ]);

      const logout = await agent.post('/api/logout');
      expect(logout).to.have.status(200);
      expect(logout.body.message).to.be.a('string');

      const after = await agent.get('/api/me');
      expect(after).to.have.status(401);
      expect(after.body.error).to.equal('not_authenticated');
      expect((await agent.get('/api/users')).status).to.equal(401);
    } finally {
      agent.close();
    }
  });

  it('refuses the protected routes without a session', async () => {
    for (const path of ['/api/me', '/api/users']) {
      const res = await request.execute(lab.app).get(path);
      expect(res, path).to.have.status(401);
      expect(res.body).to.deep.include({ error: 'not_authenticated' });
    }
  });

  it('says which store runs on /healthz', async () => {
    const res = await request.execute(lab.app).get('/healthz');
    expect(res).to.have.status(200);
    expect(res.body).to.deep.equal({
      ok: true,
      store: store.kind,
      reachable: true,
      instance: lab.deps.instance,
    });
  });
});
