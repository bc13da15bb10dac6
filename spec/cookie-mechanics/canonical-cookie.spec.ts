import { expect } from 'chai';
import clientSessions from 'client-sessions';
import signature from 'cookie-signature';
import { createCookieCodec, sealedParts, type CookiePayload } from '../../server/sessions/cookie/codec.ts';
import { cacheOpenedCookies } from '../../server/sessions/cookie/opened-cache.ts';
import {
  loginAs,
  removeTestApp,
  request,
  testApp,
  type TestApp,
  testSecret,
  withCookie,
} from '../support/test-app.ts';

// One session, one cookie string. client-sessions reads the timestamps with parseInt and
// Node decodes base64 leniently, so without a check of its own the server would open
// the same session under many spellings of its cookie. Each spelling below opens with
// client-sessions alone (the first spec shows it); the server must refuse them all.

/** Other spellings of a cookie-store value that client-sessions opens as the same session. */
function cookieSpellings(value: string): Record<string, string> {
  const [iv, ciphertext, createdAt, duration, hmac] = sealedParts(value);
  const join = (...parts: string[]) => parts.join('.');
  // The IV's last character carries 4 bits that decode to nothing: flip one of them.
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const last = alphabet.indexOf(iv.at(-1)!);
  const ivOtherBits = iv.slice(0, -1) + alphabet[last ^ 1];
  return {
    'createdAt followed by letters': join(iv, ciphertext, createdAt + 'abc', duration, hmac),
    'createdAt with a leading zero': join(iv, ciphertext, '0' + createdAt, duration, hmac),
    'duration with a plus sign': join(iv, ciphertext, createdAt, '+' + duration, hmac),
    'base64 with +/ instead of -_': value.replaceAll('-', '+').replaceAll('_', '/'),
    'the value in quotes': `"${value}"`,
    'a trailing =': value + '=',
    'padding inside': join(iv + '==', ciphertext, createdAt, duration, hmac),
    'unused bits of the IV set': join(ivOtherBits, ciphertext, createdAt, duration, hmac),
  };
}

describe('cookie store: one session, one cookie string', () => {
  const key = { cookieName: 'session', secret: testSecret };
  const payload: CookiePayload = { userId: 'u1', username: 'alice', version: 0, issuedAt: Date.now() };

  /** A sealed value with both - and _ in it, so that the +/ spelling differs from it. */
  function sealedWithDashAndUnderscore(): string {
    const codec = createCookieCodec('session', [testSecret]);
    for (;;) {
      const value = codec.seal(payload, Date.now(), 60_000);
      if (value.includes('-') && value.includes('_')) return value;
    }
  }

  it('is needed: client-sessions alone opens every spelling as the same session', () => {
    const value = sealedWithDashAndUnderscore();
    for (const [name, spelling] of Object.entries(cookieSpellings(value))) {
      expect(spelling, name).not.to.equal(value);
      expect(clientSessions.util.decode(key, spelling)?.content, name).to.deep.equal(payload);
    }
  });

  it('opens only the spelling it sealed, and remembers nothing of the others', () => {
    const codec = cacheOpenedCookies(createCookieCodec('session', [testSecret]));
    const value = sealedWithDashAndUnderscore();
    expect(codec.open(value)?.payload).to.deep.equal(payload);
    expect(codec.cached).to.equal(1);
    for (const [name, spelling] of Object.entries(cookieSpellings(value))) {
      expect(codec.open(spelling), name).to.equal(undefined);
    }
    expect(codec.cached).to.equal(1);
  });

  describe('over HTTP', () => {
    let lab: TestApp;
    before(async () => (lab = await testApp()));
    after(async () => removeTestApp(lab));

    it('answers every other spelling of a valid cookie with 401 invalid', async () => {
      let value = await loginAs(lab);
      while (!(value.includes('-') && value.includes('_'))) value = await loginAs(lab);
      const session = (cookie: string) => withCookie(lab, cookie).get('/api/session');
      expect(await session(value)).to.have.status(200);
      for (const [name, spelling] of Object.entries(cookieSpellings(value))) {
        const res = await session(spelling);
        expect(res, name).to.have.status(401);
        expect(res.body.reason, name).to.equal('invalid');
      }
      // Only refusals are logged, each with its reason: an accepted cookie adds no line.
      expect(lab.logs.filter((line) => line.includes('session cookie rejected'))).to.deep.equal(
        Object.keys(cookieSpellings(value)).map(() => 'debug session cookie rejected: invalid'),
      );
    });

    it('treats an empty cookie as no cookie at all: 401 with no reason to give', async () => {
      const res = await withCookie(lab, '').get('/api/session');
      expect(res).to.have.status(401);
      expect(res.body).to.deep.equal(
        (await request.execute(lab.app).get('/api/session')).body,
        'the same answer as without a Cookie header',
      );
      expect(res.body).not.to.have.property('reason');
    });
  });
});

describe('server-side stores: one session, one id cookie string', () => {
  let lab: TestApp;
  before(async () => (lab = await testApp({ SESSION_STORE: 'memory' })));
  after(async () => removeTestApp(lab));

  it('answers every other escaping of a valid id cookie with 401 invalid', async () => {
    const value = await loginAs(lab);
    expect(value.startsWith('s%3A')).to.equal(true);
    const rest = value.slice('s%3A'.length);
    const spellings = {
      'a raw colon': `s:${rest}`,
      'an escaped s': `%73%3A${rest}`,
      'a lower-case escape': `s%3a${rest}`,
      'an escaped dot': `s%3A${rest.replace('.', '%2E')}`,
      // Not other spellings, but near misses the same reader must refuse as well.
      'another prefix': `x%3A${rest}`,
      'a broken escape': `s%3A${rest}%E0%A4%A`,
      'an empty id, well signed': encodeURIComponent(`s:${signature.sign('', testSecret)}`),
    };
    const get = (url: string, cookie: string) => withCookie(lab, cookie).get(url);
    expect(await get('/api/session', value)).to.have.status(200);
    for (const [name, spelling] of Object.entries(spellings)) {
      const res = await get('/api/session', spelling);
      expect(res, name).to.have.status(401);
      expect(res.body.reason, name).to.equal('invalid');
      expect(await get('/api/me', spelling), name).to.have.status(401);
    }
    // Each refusal logged with its reason (two requests per spelling); the accepted one not.
    expect(lab.logs.filter((line) => line.includes('session cookie rejected'))).to.deep.equal(
      Object.keys(spellings).flatMap(() => Array(2).fill('debug session cookie rejected: invalid')),
    );
  });

  it('treats an empty cookie as no cookie at all: 401 with no reason to give', async () => {
    const res = await withCookie(lab, '').get('/api/session');
    expect(res).to.have.status(401);
    expect(res.body).not.to.have.property('reason');
  });
});
