import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { freePort } from '../support/outage.ts';
import { runToExit } from '../support/process.ts';
import { StoreUnreachableError } from '../../server/services.ts';
import { removeTestApp, testApp, testSecret } from '../support/test-app.ts';

/** Redis and PostgreSQL on a port nobody listens on, each URL with a password to hide. */
const unreachable = [
  ['redis', 'REDIS_URL', (port: number) => `redis://:hunter2@127.0.0.1:${port}`],
  ['postgres', 'DATABASE_URL', (port: number) => `postgres://postgres:hunter2@127.0.0.1:${port}/test`],
] as const;

/** The app refuses to start with StoreUnreachableError, naming the variable and not the password. */
async function expectRefusedAtStart(
  storeVariable: 'SESSION_STORE' | 'THROTTLE_STORE',
  kind: string,
  variable: string,
  url: (port: number) => string,
): Promise<void> {
  const port = await freePort();
  let failure: unknown;
  await testApp({ [storeVariable]: kind, [variable]: url(port) }).then(
    removeTestApp,
    (error: unknown) => (failure = error),
  );
  expect(failure).to.be.instanceOf(StoreUnreachableError);
  expect((failure as Error).message)
    .to.match(new RegExp(`^${variable}: cannot reach .*127\\.0\\.0\\.1:${port}.*ECONNREFUSED`))
    .and.not.include('hunter2');
}

// A store that is down at start stops the process with one line naming the URL (and not
// its password) and exit code 1: a server that cannot keep sessions should not pretend to run.
describe('a session store that is unreachable at start', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(path.join(tmpdir(), 'cookie-lab-outage-'))));
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  // In the spec process, where a mutation run can change the store's code: the memcached
  // case below runs the real process and checks the one line index.ts prints.
  for (const [kind, variable, url] of unreachable) {
    it(`stops ${kind} mode naming ${variable} without its password: a refusal at start is final`, async () => {
      await expectRefusedAtStart('SESSION_STORE', kind, variable, url);
    });
  }

  it('stops memcached mode with one line naming MEMCACHED_SERVERS and every server, exit code 1', async () => {
    const [one, two] = [await freePort(), await freePort()];
    const { code, output } = await runToExit({
      SESSION_STORE: 'memcached',
      MEMCACHED_SERVERS: `127.0.0.1:${one},127.0.0.1:${two}`,
      SESSION_SECRET: testSecret,
      DB_FILE: path.join(dir, 'db.json'),
    });
    expect(code).to.equal(1);
    expect(output.trim().split('\n'), output).to.have.length(1);
    expect(output).to.equal(
      `cookie-lab cannot start: MEMCACHED_SERVERS: cannot reach 127.0.0.1:${one},127.0.0.1:${two} (ECONNREFUSED)\n`,
    );
  });
});

// The shared throttle store too: without its counters the limits could not hold, so the
// app does not start. The same error, in the same words, reaches index.ts's one line.
describe('a throttle store that is unreachable at start', () => {
  for (const [kind, variable, url] of unreachable) {
    it(`stops THROTTLE_STORE=${kind} naming ${variable} without its password`, async () => {
      await expectRefusedAtStart('THROTTLE_STORE', kind, variable, url);
    });
  }
});

// A REDIS_URL the Redis client cannot even read fails before any connection is tried: the
// same error, so index.ts prints the same one line, never the client's stack.
describe('a REDIS_URL the Redis client cannot read', () => {
  for (const storeVariable of ['SESSION_STORE', 'THROTTLE_STORE'] as const) {
    it(`stops ${storeVariable}=redis naming REDIS_URL and the client's reason`, async () => {
      let failure: unknown;
      await testApp({ [storeVariable]: 'redis', REDIS_URL: 'http://127.0.0.1:6379' }).then(
        removeTestApp,
        (error: unknown) => (failure = error),
      );
      expect(failure).to.be.instanceOf(StoreUnreachableError);
      expect((failure as Error).message).to.equal(
        'REDIS_URL: cannot reach http://127.0.0.1:6379/ (Protocol - http: - is not a valid Redis protocol. Expected redis: or rediss:)',
      );
    });
  }
});
