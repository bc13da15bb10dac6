import { expect } from 'chai';
import { alice, removeTestApp, request, setCookieFor, testApp, type TestApp } from '../support/test-app.ts';

// Production needs bcrypt cost 10 at least; these few specs pay for it (about 60 ms a hash).
const production = { NODE_ENV: 'production' };

describe('security: cookie flags and HTTPS in production', function () {
  this.timeout(20_000);
  let lab: TestApp;
  afterEach(async () => removeTestApp(lab));

  const viaTlsProxy = (path: string) =>
    request
      .execute(lab.app)
      .post(path)
      .set('X-Forwarded-Proto', 'https')
      .set('X-Forwarded-For', '203.0.113.7');

  it('issues __Host-session with Secure, HttpOnly, SameSite=Lax, Path=/ and no Domain behind a TLS proxy when TRUST_PROXY is set', async () => {
    lab = await testApp({ ...production, TRUST_PROXY: '1' });
    expect(await viaTlsProxy('/api/register').send(alice)).to.have.status(201);
    const login = await viaTlsProxy('/api/login').send(alice);
    expect(login).to.have.status(200);
    const line = setCookieFor(login, '__Host-session');
    expect(line, 'the login sets the production cookie').to.be.a('string');
    const attributes = line!.split('; ').slice(1);
    expect(attributes).to.include.members(['Path=/', 'HttpOnly', 'SameSite=Lax', 'Secure']);
    expect(attributes.some((a) => a.toLowerCase().startsWith('domain='))).to.equal(false);
    expect(setCookieFor(login, 'session'), 'no development cookie name').to.equal(undefined);
  });

  it('refuses a production login over plain HTTP with 403 https_required and issues no cookie', async () => {
    lab = await testApp(production);
    const res = await request.execute(lab.app).post('/api/login').send(alice);
    expect(res).to.have.status(403);
    expect(res.body.error).to.equal('https_required');
    expect(res.body.message).to.equal(
      'This server only takes API requests over HTTPS. Behind a TLS proxy, set TRUST_PROXY so X-Forwarded-Proto is believed.',
    );
    expect(res).not.to.have.header('set-cookie');
  });

  it('ignores X-Forwarded-Proto without TRUST_PROXY: still plain HTTP, still refused', async () => {
    lab = await testApp(production);
    const res = await viaTlsProxy('/api/login').send(alice);
    expect(res).to.have.status(403);
    expect(res.body.error).to.equal('https_required');
    expect(res).not.to.have.header('set-cookie');
  });

  it('refuses registration over plain HTTP in production too, before storing anything', async () => {
    lab = await testApp({ ...production, TRUST_PROXY: '1' });
    const res = await request.execute(lab.app).post('/api/register').send(alice);
    expect(res).to.have.status(403);
    expect(res.body.error).to.equal('https_required');
    expect(await lab.deps.users.list()).to.have.length(0);
  });

  it('keeps /healthz reachable over plain HTTP for a load balancer', async () => {
    lab = await testApp(production);
    expect(await request.execute(lab.app).get('/healthz')).to.have.status(200);
  });

  it('sends no Secure flag and the plain name over HTTP in development', async () => {
    lab = await testApp();
    await request.execute(lab.app).post('/api/register').send(alice);
    const line = setCookieFor(await request.execute(lab.app).post('/api/login').send(alice));
    expect(line).to.match(/^session=/);
    expect(line!.split('; ')).to.include.members(['Path=/', 'HttpOnly', 'SameSite=Lax']);
    expect(line!.split('; ')).not.to.include('Secure');
  });
});
