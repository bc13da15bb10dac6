import { readFile } from 'node:fs/promises';
import { expect } from 'chai';
import bcrypt from 'bcryptjs';
import { alice, removeTestApp, request, testApp, type TestApp } from './support/test-app.ts';

describe('registration', () => {
  let lab: TestApp;
  beforeEach(async () => (lab = await testApp()));
  afterEach(async () => removeTestApp(lab));

  const register = (body: object) => request.execute(lab.app).post('/api/register').send(body);

  it('stores a bcrypt hash at the configured cost, never the password', async () => {
    expect(await register(alice)).to.have.status(201);
    const file = await readFile(lab.config.dbFile, 'utf8');
    expect(file).not.to.include(alice.password);
    const [user] = JSON.parse(file).users;
    expect(user).to.have.all.keys('id', 'username', 'passwordHash', 'createdAt', 'sessionVersion');
    expect(bcrypt.getRounds(user.passwordHash)).to.equal(4);
    expect(await bcrypt.compare(alice.password, user.passwordHash)).to.equal(true);
  });

  it('trims the username', async () => {
    const res = await register({ username: '  alice  ', password: alice.password });
    expect(res).to.have.status(201);
    expect(res.body.username).to.equal('alice');
  });

  for (const username of ['al', 'a'.repeat(33), 'alice smith', 'alice!', 'élise']) {
    it(`refuses the username ${JSON.stringify(username)} with 400`, async () => {
      const res = await register({ username, password: alice.password });
      expect(res).to.have.status(400);
      expect(res.body.error).to.equal('invalid_request');
      expect(res.body.message).to.match(/3 to 32 characters/);
    });
  }

  it('refuses a password shorter than 8 characters, saying so', async () => {
    const res = await register({ username: 'bob', password: 'short12' });
    expect(res).to.have.status(400);
    expect(res.body).to.include({ error: 'invalid_password' });
    expect(res.body.message).to.match(/at least 8 characters/);
  });

  it('counts characters, not bytes, for the minimum', async () => {
    expect(await register({ username: 'bob', password: 'пароль12' })).to.have.status(201);
  });

  it('refuses a password over 72 UTF-8 bytes, saying bcrypt would ignore the rest', async () => {
    // 25 characters, 75 bytes: short to the eye, too long for bcrypt.
    const res = await register({ username: 'bob', password: '€'.repeat(25) });
    expect(res).to.have.status(400);
    expect(res.body).to.include({ error: 'invalid_password' });
    expect(res.body.message)
      .to.match(/72 bytes/)
      .and.match(/ignore/);
  });

  it('accepts a password of exactly 72 bytes', async () => {
    expect(await register({ username: 'bob', password: 'x'.repeat(72) })).to.have.status(201);
  });

  it('refuses a taken name with 409, without regard to case', async () => {
    expect(await register(alice)).to.have.status(201);
    const again = await register({ username: 'Alice', password: 'another password' });
    expect(again).to.have.status(409);
    expect(again.body.error).to.equal('username_taken');
  });

  it('lets exactly one of two concurrent registrations of one name win', async () => {
    const answers = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        register({ username: i % 2 ? 'carol' : 'CAROL', password: `password ${i}` }),
      ),
    );
    expect(answers.map((res) => res.status).sort()).to.deep.equal([201, 409, 409, 409, 409]);
    const { users } = JSON.parse(await readFile(lab.config.dbFile, 'utf8'));
    expect(users).to.have.length(1);
  });
});
