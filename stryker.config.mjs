// Mutation testing (`npm run test:mutation`): StrykerJS changes the security-relevant code one
// small edit at a time (a `>` made `>=`, a condition made `true`, a call removed) and runs the
// specs that cover each change; a change no spec notices is a gap in the specs. The score and
// every survivor are in docs/security.md.
//
// StrykerJS 9, not 10: 10 refuses to start on Node 20, which this project supports. Its mocha
// runner asks for mocha < 12; package.json's `overrides` lets it use the project's mocha 12,
// and scripts/stryker-mocha-12.mjs points it at mocha 12's renamed CLI helpers.
import { fileURLToPath } from 'node:url';
import './scripts/stryker-mocha-12.mjs';

const mocha12 = fileURLToPath(new URL('./scripts/stryker-mocha-12.mjs', import.meta.url));

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'mocha',
  // mocha's own `node-option` in .mocharc.json is read by the mocha CLI only; the runner loads
  // mocha in a Node process of its own, so tsx is registered here.
  testRunnerNodeArgs: ['--import', mocha12, '--import', 'tsx'],
  // Stryker also loads every plugin in a checker process, even with no checker configured.
  checkerNodeArgs: ['--import', mocha12],
  mochaOptions: {
    config: '.mocharc.json',
    require: ['./scripts/stryker-test-deadline.mjs'],
  },
  // server/users has a run of its own (stryker.users.config.mjs): see maxTestRunnerReuse.
  mutate: [
    'server/sessions/**/*.ts',
    'server/http/**/*.ts',
    'server/passwords/**/*.ts',
    'server/passwords/**/*.mjs',
    'server/config.ts',
  ],
  // Each mutant runs only the specs that reached its code in the first (dry) run.
  coverageAnalysis: 'perTest',
  // A mutant in code that runs once at import (a module-level constant) can only be tested by
  // reloading every spec in a fresh process: about a full suite per mutant. They are left out of
  // the run and reported as ignored; docs/security.md gives their count.
  ignoreStatic: true,
  // Four spec processes on two cores: the specs spend much of their time waiting on sockets
  // and child processes, so two per core keep both cores busy. A mutant that makes a spec hang is reported as a
  // timeout, which counts as killed. Its deadline is 1.5 × the time its specs took in the dry
  // run, plus 15 s.
  concurrency: 4,
  // A mutant that breaks how a PostgreSQL pool is closed leaks that pool's connections for as
  // long as the spec process lives: a fresh spec process every 20 mutants gives them back.
  // In server/users one such mutant can leak more than PostgreSQL's 100 connections between
  // two fresh processes, so that folder runs alone with a process per mutant.
  maxTestRunnerReuse: 20,
  timeoutMS: 15000,
  timeoutFactor: 1.5,
  // The dry run is the whole suite once (4-5 minutes on the loaded machine; Stryker's default
  // gives up at 5).
  dryRunTimeoutMinutes: 20,
  // A re-run tests only the mutants whose code or covering specs changed since the last one.
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true, reportMutants: true },
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
