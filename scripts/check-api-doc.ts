// Fails when docs/api.md no longer describes the server: every route a route module
// declares and every error code the server can answer must appear on that page.
// Usage: npm run docs:check (CI runs it).
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';

const page = await readFile('docs/api.md', 'utf8');
const sourceFiles = (await readdir('server', { recursive: true, withFileTypes: true }))
  .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
  .map((entry) => path.join(entry.parentPath, entry.name));
const source = (await Promise.all(sourceFiles.map((file) => readFile(file, 'utf8')))).join('\n');

// route(router, '/api/me', …) declares a path; an error is HttpError(status, 'code', …), a
// [status, 'code', …] entry of the client-error table, or the handler's own internal_error.
const routes = new Set([...source.matchAll(/\broute\(\s*\w+,\s*'([^']+)'/g)].map((match) => match[1]!));
const codes = new Set(
  [
    ...source.matchAll(/HttpError\(\s*\d{3},\s*'([a-z_]+)'/g),
    ...source.matchAll(/\[\s*\d{3},\s*'([a-z_]+)'/g),
    ...source.matchAll(/\berror: '([a-z_]+)'/g),
  ].map((match) => match[1]!),
);

const missing = [
  // Route modules other than /healthz are mounted under /api (app.ts).
  ...[...routes]
    .filter((route) => !page.includes(` ${route}\``) && !page.includes(` /api${route}\``))
    .map((route) => `route ${route}`),
  ...[...codes].filter((code) => !page.includes(`\`${code}\``)).map((code) => `error code ${code}`),
];
console.log(`docs/api.md: ${routes.size} routes and ${codes.size} error codes declared in server/`);
if (routes.size === 0 || codes.size === 0) {
  console.error('found no routes or no error codes: has the way they are declared changed?');
  process.exitCode = 1;
} else if (missing.length > 0) {
  console.error(`docs/api.md does not mention:\n${missing.join('\n')}`);
  process.exitCode = 1;
}
