// Stryker's mocha runner creates mocha with `timeout: 0`, so a mutant that leaves a request
// unanswered hangs its spec until Stryker's own deadline (1.5 × the dry-run time + 15 s), and
// then Stryker kills and restarts the whole spec process (all spec files reloaded). Most hanging
// mutants are in middleware that forgets to call next(). This root hook gives every test and
// hook that has no timeout of its own the 10 s of .mocharc.json back, so such a mutant fails its
// spec in 10 s and the process goes on to the next mutant. (Measured on server/http: see
// docs/security.md §Mutation testing.)
const DEFAULT_MS = 10_000;

function restore(suite) {
  for (const runnable of [
    ...suite.tests,
    ...suite._beforeAll,
    ...suite._beforeEach,
    ...suite._afterEach,
    ...suite._afterAll,
  ]) {
    if (runnable.timeout() === 0) runnable.timeout(DEFAULT_MS);
  }
  // Not suite.timeout(): since mocha 12 it also overwrites the timeout of every test in
  // the suite, a spec's own longer one included.
  suite.suites.forEach(restore);
}

export const mochaHooks = {
  beforeAll() {
    let root = this.test.parent;
    while (root.parent) root = root.parent;
    restore(root);
  },
};
