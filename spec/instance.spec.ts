import { expect } from 'chai';
import { startListening } from './support/process.ts';
import { removeTestApp, request, testApp, testSecret, type TestApp } from './support/test-app.ts';

// Behind a load balancer, X-Instance says which instance answered: the same name on every
// answer of one process, another name on another instance's answers.
describe('which instance answered', () => {
  let one: TestApp;
  let two: TestApp;
  beforeEach(async () => ([one, two] = await Promise.all([testApp(), testApp()])));
  afterEach(async () => Promise.all([removeTestApp(one), removeTestApp(two)]));

  it('names the instance on every answer, errors and the page included, and the same name on /healthz', async () => {
    const answers = [
      await request.execute(one.app).get('/healthz'),
      await request.execute(one.app).get('/'),
      await request.execute(one.app).get('/api/me'),
      await request.execute(one.app).get('/api/nothing'),
      await request.execute(one.app).post('/api/login').type('json').send('{'),
      await request.execute(one.app).options('/api/login'),
    ];
    expect(answers.map((res) => res.status)).to.deep.equal([200, 200, 401, 404, 400, 204]);
    const names = answers.map((res) => res.headers['x-instance']);
    expect(names[0])
      .to.be.a('string')
      .and.match(/^\d+-[0-9a-f]{6}$/);
    expect(new Set(names)).to.deep.equal(new Set([names[0]]));
    expect(answers[0]!.body.instance).to.equal(names[0]);
  });

  it('gives two instances different names', async () => {
    const [first, second] = await Promise.all([
      request.execute(one.app).get('/healthz'),
      request.execute(two.app).get('/healthz'),
    ]);
    expect(first.headers['x-instance']).not.to.equal(second.headers['x-instance']);
    expect(first.body.instance).not.to.equal(second.body.instance);
  });

  it('keeps one name for the life of a real server process, and prints it at start', async function () {
    this.timeout(20_000);
    const server = await startListening({ SESSION_SECRET: testSecret, DB_FILE: `${one.dir}/process.json` });
    try {
      const names = new Set<string | null>();
      for (let i = 0; i < 5; i++) names.add((await fetch(`${server.url}/healthz`)).headers.get('x-instance'));
      expect(names.size).to.equal(1);
      const [name] = names;
      expect(name).to.match(new RegExp(`^${server.child.pid}-[0-9a-f]{6}$`));
      expect(server.output()).to.include(`instance ${name}`);
    } finally {
      server.child.kill('SIGTERM');
    }
  });
});
