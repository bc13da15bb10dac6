import { readFile } from 'node:fs/promises';
import { expect } from 'chai';
import { alice, removeTestApp, request, testApp, type TestApp } from './support/test-app.ts';

const fileUsers = async (lab: TestApp): Promise<{ username: string }[]> =>
  JSON.parse(await readFile(lab.config.dbFile, 'utf8')).users;

// Every request here comes from one address: the per-address registration limit (a
// defence of its own, with its own specs) is raised so that it does not end the storm.
const storm = { REGISTRATIONS_PER_ADDRESS: '100000' };

describe('registrations under load', function () {
  this.timeout(30_000);
  let lab: TestApp;
  beforeEach(async () => (lab = await testApp(storm)));
  afterEach(async () => removeTestApp(lab));

  const register = (target: TestApp, username: string) =>
    request.execute(target.app).post('/api/register').send({ username, password: alice.password });

  it('keeps all of 200 concurrent registrations across a restart', async () => {
    const names = Array.from({ length: 200 }, (_, i) => `user${i}`);
    const answers = await Promise.all(names.map((name) => register(lab, name)));
    expect(answers.filter((res) => res.status === 201)).to.have.length(200);
    expect((await fileUsers(lab)).map((user) => user.username)).to.have.members(names);

    await lab.close();
    lab = await testApp(storm, { dir: lab.dir, clock: lab.clock });
    for (const name of [names[0]!, names[199]!]) {
      const login = await request
        .execute(lab.app)
        .post('/api/login')
        .send({ username: name, password: alice.password });
      expect(login, name).to.have.status(200);
    }
    expect(await register(lab, 'user123'), 'still taken').to.have.status(409);
  });

  it('gives exactly one of 50 concurrent registrations of one name a 201', async () => {
    const answers = await Promise.all(Array.from({ length: 50 }, () => register(lab, 'popular')));
    const statuses = answers.map((res) => res.status);
    expect(statuses.filter((status) => status === 201)).to.have.length(1);
    expect(statuses.filter((status) => status === 409)).to.have.length(49);
    expect((await fileUsers(lab)).map((user) => user.username)).to.deep.equal(['popular']);
  });
});
