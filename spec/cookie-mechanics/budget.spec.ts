import { expect } from 'chai';
import {
  cookieValue,
  loginAs,
  removeTestApp,
  setCookieFor,
  testApp,
  type TestApp,
  withCookie,
} from '../support/test-app.ts';

describe('the 4 KB cookie budget', () => {
  let lab: TestApp;
  let cookie: string;
  beforeEach(async () => {
    lab = await testApp();
    cookie = await loginAs(lab);
  });
  afterEach(async () => removeTestApp(lab));

  const putNote = (text: string, value = cookie) =>
    withCookie(lab, value).put('/api/session/notes').send({ text });
  const session = (value = cookie) => withCookie(lab, value).get('/api/session');

  it('grows the cookie with a note, and says by how much', async () => {
    const before = (await session()).body.bytes;
    const res = await putNote('x'.repeat(500));
    expect(res).to.have.status(200);
    expect(res.body.budget).to.equal(4096);
    expect(res.body.bytes).to.be.greaterThan(before + 500);
    expect(Buffer.byteLength(setCookieFor(res)!)).to.equal(res.body.bytes);
    expect(res).not.to.have.header('X-Session-Budget');
  });

  it('warns with X-Session-Budget from 80 % of the budget on', async () => {
    const res = await putNote('x'.repeat(2600));
    expect(res).to.have.status(200);
    const bytes = Buffer.byteLength(setCookieFor(res)!);
    expect(bytes).to.be.within(0.8 * 4096, 4096);
    expect(res).to.have.header('X-Session-Budget', `${bytes}/4096`);
  });

  it('refuses a note that would take the Set-Cookie line over 4,096 bytes with 413, sending no cookie', async () => {
    const kept = await putNote('kept note');
    cookie = cookieValue(setCookieFor(kept));
    const res = await putNote('x'.repeat(3500));
    expect(res).to.have.status(413);
    expect(res.body).to.include({ error: 'cookie_too_large', limit: 4096 });
    expect(res.body.bytes).to.be.greaterThan(4096);
    expect(res.body.message).to.include(String(res.body.bytes)).and.include('4096');
    expect(res).not.to.have.header('set-cookie');

    const after = await session();
    expect(after, 'the previous session still works').to.have.status(200);
    expect(after.body.payload.notes).to.equal('kept note');
  });

  it('finds the exact edge: the largest accepted note gives a line of at most 4,096 bytes', async () => {
    let low = 0;
    let high = 4096;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if ((await putNote('y'.repeat(mid))).status === 200) low = mid;
      else high = mid - 1;
    }
    const largest = setCookieFor(await putNote('y'.repeat(low)))!;
    expect(Buffer.byteLength(largest)).to.be.at.most(4096);
    expect((await putNote('y'.repeat(low + 16))).status).to.equal(413);
  });
});
