import { expect } from 'chai';
import { createApp } from '../../server/app.ts';
import type { PasswordHasher } from '../../server/passwords/hasher.ts';
import {
  alice,
  loginAs,
  removeTestApp,
  request,
  testApp,
  type TestApp,
  withCookie,
} from '../support/test-app.ts';

describe('security: password rules', () => {
  let lab: TestApp;
  beforeEach(async () => (lab = await testApp()));
  afterEach(async () => removeTestApp(lab));

  const register = (password: string, username = 'bob') =>
    request.execute(lab.app).post('/api/register').send({ username, password });

  for (const common of ['password1', 'iloveyou', 'qwertyuiop', 'Sunshine', '12345678']) {
    it(`refuses the common password ${JSON.stringify(common)} with 400, saying why`, async () => {
      const res = await register(common);
      expect(res).to.have.status(400);
      expect(res.body.error).to.equal('invalid_password');
      expect(res.body.message).to.match(/most common passwords/);
      expect(await lab.deps.users.list()).to.have.length(0);
    });
  }

  it('refuses a common password as a new password too', async () => {
    const cookie = await loginAs(lab);
    const res = await withCookie(lab, cookie)
      .put('/api/me/password')
      .send({ currentPassword: alice.password, newPassword: 'trustno1' });
    expect(res).to.have.status(400);
    expect(res.body.message).to.match(/most common passwords/);
  });

  it('takes any Unicode and asks for no composition rules', async () => {
    expect(await register('すべての猫はかわいい', 'kana')).to.have.status(201);
    expect(await register('lowercase words only', 'lower')).to.have.status(201);
    expect(await register('🔑🔑🔑🔑🔑🔑🔑🔑', 'emoji')).to.have.status(201);
    const login = await request
      .execute(lab.app)
      .post('/api/login')
      .send({ username: 'kana', password: 'すべての猫はかわいい' });
    expect(login).to.have.status(200);
  });

  it('checks the length before any hashing', async () => {
    const calls: string[] = [];
    const spy: PasswordHasher = {
      hash: async (password) => (calls.push('hash'), lab.deps.hasher.hash(password)),
      verify: async (password, hash) => (calls.push('verify'), lab.deps.hasher.verify(password, hash)),
      close: async () => {},
    };
    const app = createApp({ ...lab.deps, hasher: spy });
    const tooLong = 'x'.repeat(73);
    const res = await request.execute(app).post('/api/register').send({ username: 'bob', password: tooLong });
    expect(res).to.have.status(400);
    expect(res.body.message).to.match(/72 bytes/);
    const absurd = await request
      .execute(app)
      .post('/api/login')
      .send({ username: 'bob', password: 'x'.repeat(2000) });
    expect(absurd).to.have.status(400);
    expect(calls, 'no hash was computed for a refused password').to.deep.equal([]);
  });

  it('never lets a longer password in on its first 72 bytes (bcrypt would ignore the rest)', async () => {
    const exact = 'seventy-two bytes '.repeat(4);
    expect(Buffer.byteLength(exact)).to.equal(72);
    expect(await register(exact)).to.have.status(201);
    const login = (password: string) =>
      request.execute(lab.app).post('/api/login').send({ username: 'bob', password });
    expect(await login(exact + 'and then anything')).to.have.status(401);
    expect(await login(exact)).to.have.status(200);
  });
});
