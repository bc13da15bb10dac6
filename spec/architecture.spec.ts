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

/** The project's own modules a file names, type-only imports included (they tie modules too). */
function localImportsOf(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(/^(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gms)].map((match) =>
    path.resolve(path.dirname(file), match[1]!),
  );
}

/** `from` modules that import anything under one of the `forbidden` folders, as "file -> import". */
function importsInto(from: string, forbidden: string[]): string[] {
  return filesUnder(from).flatMap((file) =>
    localImportsOf(file)
      .filter((target) => forbidden.some((folder) => target.startsWith(path.resolve(folder) + path.sep)))
      .map((target) => `${file} -> ${path.relative('.', target)}`),
  );
}

describe('module boundaries', () => {
  // Layers point one way: routes -> http -> sessions -> users -> passwords. A lower layer
  // states its refusals as its own errors; server/http/errors.ts maps them to HTTP.
  it('keeps HTTP out of the session layer: server/sessions imports nothing from server/http or server/routes', () => {
    expect(importsInto('server/sessions', ['server/http', 'server/routes'])).to.deep.equal([]);
  });

  it('keeps the user and password layers below the sessions and HTTP', () => {
    const layers = ['server/sessions', 'server/http', 'server/routes'];
    expect([
      ...importsInto('server/users', layers),
      ...importsInto('server/passwords', layers),
    ]).to.deep.equal([]);
  });

  it('has no import cycle among the modules of server/, type-only imports included', () => {
    const files = filesUnder('server').map((file) => path.resolve(file));
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const trail: string[] = [];
    const visit = (file: string) => {
      state.set(file, 'open');
      trail.push(file);
      for (const target of localImportsOf(file).filter((name) => files.includes(name))) {
        if (state.get(target) === 'open') {
          cycles.push(
            trail
              .slice(trail.indexOf(target))
              .map((name) => path.relative('.', name))
              .join(' -> '),
          );
        } else if (!state.has(target)) visit(target);
      }
      trail.pop();
      state.set(file, 'done');
    };
    for (const file of files) if (!state.has(file)) visit(file);
    expect(cycles).to.deep.equal([]);
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
