import fc from 'fast-check';
import { alice } from './test-app.ts';
import type { RawResponse } from './raw-http.ts';

// What the fuzz suite sends: arbitrary requests that stay close enough to real ones to
// reach the routes' logic (most target a route with its own method and a JSON body),
// with hostile bodies, content types, encodings, cookies and forwarded headers mixed in.

// Every route with the method it takes, the lab page's files, and random methods and paths.
const routes: [string, string][] = [
  ['POST', '/api/register'],
  ['POST', '/api/login'],
  ['POST', '/api/logout'],
  ['POST', '/api/logout/all'],
  ['GET', '/api/me'],
  ['DELETE', '/api/me'],
  ['PUT', '/api/me/password'],
  ['GET', '/api/users'],
  ['GET', '/api/session'],
  ['GET', '/api/session/status'],
  ['PUT', '/api/session/notes'],
  ['POST', '/api/lab/replay'],
  ['GET', '/healthz'],
  ['GET', '/'],
  ['GET', '/lab.js'],
];
const methods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const target = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...routes) },
  {
    weight: 1,
    arbitrary: fc.tuple(
      fc.constantFrom(...methods),
      fc.oneof(
        fc.constantFrom(...routes.map(([, path]) => path)),
        fc.webPath().map((path) => (path.startsWith('/') ? path : '/' + path)),
      ),
    ),
  },
);

const printable = fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code));
const headerText = (maxLength = 80) => fc.string({ unit: printable, maxLength });
export const cookieish = fc.string({
  unit: fc.constantFrom(...'ABCDEFabcdef0123456789-_.=;'.split('')),
  maxLength: 300,
});

const username = fc.oneof(
  fc.constantFrom('alice', ' ALICE ', 'bob', '__proto__', 'constructor', 'prototype', ''),
  fc.string({ maxLength: 40 }),
  fc.stringMatching(/^[A-Za-z0-9._-]{3,12}$/),
);
const password = fc.oneof(
  fc.constantFrom(alice.password, 'password1', 'a fine password', 'x'.repeat(73)),
  fc.string({ maxLength: 90 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
);
const objectBody = fc.oneof(
  fc.constant({ username: alice.username, password: alice.password }),
  fc.record({ username, password }),
  fc.record({ username, password }, { requiredKeys: [] }),
  fc.record(
    { currentPassword: password, newPassword: password, password, text: fc.string(), cookie: cookieish },
    { requiredKeys: [] },
  ),
  fc
    .tuple(
      fc.record({ username, password }),
      fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'prototype', 'extra'), fc.jsonValue()),
    )
    .map(([a, b]) => ({ ...b, ...a })),
);
const body = fc.oneof(
  { weight: 10, arbitrary: objectBody.map((value) => JSON.stringify(value)) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)) },
  { weight: 2, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 1, arbitrary: fc.constant(JSON.stringify({ username: 'alice', password: 'p'.repeat(11_000) })) },
  { weight: 2, arbitrary: fc.constant(undefined) },
);
const contentType = fc.constantFrom(
  'application/json',
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'text/plain',
  'application/x-www-form-urlencoded',
  undefined,
);

/** Absent three times in four: most real requests carry none of the optional headers. */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });

export interface Call {
  method: string;
  path: string;
  body: string | undefined;
  headers: Record<string, string>;
}

export function call(cookie: fc.Arbitrary<string | undefined>, ownOrigin: string): fc.Arbitrary<Call> {
  return fc
    .record({
      target,
      query: sometimes(headerText(20).map(encodeURIComponent)),
      body,
      contentType,
      cookie,
      origin: sometimes(
        fc.oneof(fc.constantFrom('null', 'https://evil.example', ownOrigin, ownOrigin), headerText(40)),
      ),
      fetchSite: sometimes(fc.constantFrom('same-origin', 'same-site', 'cross-site', 'none', 'bogus')),
      forwarded: sometimes(fc.oneof(fc.ipV4(), headerText(30))),
      forwardedProto: sometimes(fc.constantFrom('https', 'http', 'gopher')),
      forwardedHost: sometimes(headerText(30)),
      encoding: sometimes(fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'compress', 'x-nonsense')),
    })
    .map((c) => {
      const headers: Record<string, string> = {};
      if (c.contentType && c.body !== undefined) headers['Content-Type'] = c.contentType;
      if (c.cookie !== undefined) headers.Cookie = c.cookie;
      if (c.origin !== undefined) headers.Origin = c.origin;
      if (c.fetchSite !== undefined) headers['Sec-Fetch-Site'] = c.fetchSite;
      if (c.forwarded !== undefined) headers['X-Forwarded-For'] = c.forwarded;
      if (c.forwardedProto !== undefined) headers['X-Forwarded-Proto'] = c.forwardedProto;
      if (c.forwardedHost !== undefined) headers['X-Forwarded-Host'] = c.forwardedHost;
      if (c.encoding !== undefined) headers['Content-Encoding'] = c.encoding;
      const [method, route] = c.target;
      const path = c.query === undefined ? route : `${route}?q=${c.query}`;
      return { method, path, body: method === 'GET' || method === 'HEAD' ? undefined : c.body, headers };
    });
}

/** The path without its query string. */
export const route = (c: Call): string => c.path.split('?')[0]!;

export function sessionSet(res: RawResponse): boolean {
  const lines = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return lines.some((line) => /^session=[^;]+/.test(line));
}

export function credentials(body: string | undefined): Record<string, unknown> {
  try {
    const parsed = JSON.parse(body ?? '');
    return parsed && typeof parsed === 'object' ? parsed : {};
  } catch {
    return {};
  }
}
