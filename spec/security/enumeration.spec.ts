import { expect } from 'chai';
import bcrypt from 'bcryptjs';
import { alice, removeTestApp, request, testApp, type TestApp } from '../support/test-app.ts';

describe('security: an unknown user and a wrong password look alike', () => {
  let lab: TestApp;
  beforeEach(async () => {
    lab = await testApp();
    await request.execute(lab.app).post('/api/register').send(alice);
  });
  afterEach(async () => removeTestApp(lab));

  const login = (username: string, password: string) =>
    request.execute(lab.app).post('/api/login').send({ username, password });

  const withoutDate = (headers: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(headers).filter(([name]) => name !== 'date'));

  it('answers both with the same status, body and headers but Date, and no ETag to tell them apart', async () => {
    const unknown = await login('mallory', 'some guess 1');
    const wrong = await login('alice', 'some guess 1');
    expect(unknown).to.have.status(401);
    expect(unknown.body).to.deep.equal({
      error: 'invalid_credentials',
      message: 'Incorrect username or password.',
    });
    expect(wrong.status).to.equal(unknown.status);
    expect(wrong.text).to.equal(unknown.text);
    // A no-store answer is never revalidated, so it carries no ETag (a hash of the body).
    expect(unknown.headers).not.to.have.property('etag');
    expect(wrong.headers).not.to.have.property('etag');
    expect(withoutDate(wrong.headers)).to.deep.equal(withoutDate(unknown.headers));
  });

  it('does a full bcrypt compare at the configured cost for an unknown user too', async () => {
    const compared: string[] = [];
    const original = bcrypt.compare;
    bcrypt.compare = ((password: string, hash: string) => {
      compared.push(hash);
      return original(password, hash);
    }) as typeof bcrypt.compare;
    try {
      expect(await login('mallory', 'some guess 1')).to.have.status(401);
    } finally {
      bcrypt.compare = original;
    }
    expect(compared, 'one comparison against a real hash').to.have.length(1);
    expect(compared[0]).to.have.length(60);
    expect(bcrypt.getRounds(compared[0]!)).to.equal(lab.config.bcryptCost);
  });
});
