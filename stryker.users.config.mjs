// The second half of `npm run test:mutation`: server/users, alone. A mutant there that breaks
// how the PostgreSQL user store closes leaks its pools and its LISTEN connection in every spec
// it runs: in one run that reused its spec processes for 20 mutants, PostgreSQL ran out of
// connections ("too many clients"), 31 mutants counted as killed and 14 as survived with no
// spec run at all. Here each mutant gets a spec process of its own, two at a time, so at most
// two mutants' leaks are open at once.
import base from './stryker.config.mjs';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  ...base,
  mutate: ['server/users/**/*.ts'],
  concurrency: 2,
  maxTestRunnerReuse: 1,
  incrementalFile: 'reports/mutation/stryker-incremental-users.json',
  htmlReporter: { fileName: 'reports/mutation/users.html' },
  jsonReporter: { fileName: 'reports/mutation/users.json' },
};
