// StrykerJS 9's mocha runner requires three of mocha's CLI helpers by their old names
// (`lib/cli/run-helpers`, `options`, `collect-files`); mocha 12 renamed them to `.cjs` and
// left their exports as they were. This maps exactly those three names to the new files, in
// Stryker's own process (stryker.config.mjs imports this) and in each spec process it starts
// (testRunnerNodeArgs). StrykerJS 10 reads mocha 12 itself but does not start on Node 20.
import Module from 'node:module';
import path from 'node:path';

const require = Module.createRequire(import.meta.url);
const cli = path.join(path.dirname(require.resolve('mocha/package.json')), 'lib', 'cli');
const renamed = new Set(['run-helpers', 'options', 'collect-files'].map((name) => path.join(cli, name)));

const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return resolve.call(this, renamed.has(request) ? `${request}.cjs` : request, ...rest);
};
