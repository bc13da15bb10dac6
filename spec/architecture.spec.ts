import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';

// Which module may load which, read from the source: a layer that reaches into another,
// or a tool that drags in database clients, shows here before anyone profiles it.

/** The specifiers a file loads at run time (`import type` loads nothing). */
function importsOf(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of source.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?from\s+'([^']+)'/gms)) {
    found.push(match[1]!);
  }
  for (const match of source.matchAll(/^import\s+'([^']+)'/gm)) found.push(match[1]!);
  return found;
}

/** Every package a file loads, directly or through the project's own modules. */
function packagesLoadedBy(entry: string): Set<string> {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const specifier of importsOf(file)) {
      if (specifier.startsWith('.')) visit(path.resolve(path.dirname(file), specifier));
      else
        packages.add(
          specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!,
        );
    }
  };
  visit(path.resolve(entry));
  return packages;
}

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => path.join(folder, name));
}

describe('module boundaries', () => {
  it('keeps HTTP out of the session layer: server/sessions imports nothing from server/http', () => {
    const offenders = filesUnder('server/sessions').filter((file) =>
      importsOf(file).some((specifier) =>
        path.resolve(path.dirname(file), specifier).includes('/server/http/'),
      ),
    );
    expect(offenders).to.deep.equal([]);
  });

  it('lets the cookie tool read a cookie without loading a database client or express-session', () => {
    const loaded = packagesLoadedBy('server/cli/cookie.ts');
    expect(loaded).to.include('client-sessions');
    for (const heavy of [
      'pg',
      'redis',
      'connect-redis',
      'connect-pg-simple',
      'express-session',
      'memorystore',
    ]) {
      expect(loaded.has(heavy), heavy).to.equal(false);
    }
  });
});
