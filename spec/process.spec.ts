import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { exists } from './support/files.ts';
import { runToExit, startListening } from './support/process.ts';

describe('the server process', function () {
  this.timeout(20_000);
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(path.join(tmpdir(), 'cookie-lab-process-'))));
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('starts with no secret set, keeps a generated key at mode 0600, says where it listens, and stops on SIGTERM', async () => {
    const dbFile = path.join(dir, 'db.json');
    const server = await startListening({ DB_FILE: dbFile });
    try {
      expect(server.output()).to.match(
        /generated a development session secret in .*db\.json\.session-secret/,
      );
      expect(server.output()).to.match(
        /session store: cookie, users: .*db\.json, keys: .*db\.json\.session-secret\)/,
      );
      const health = await fetch(`${server.url}/healthz`);
      expect(health.status).to.equal(200);
      const secret = await stat(`${dbFile}.session-secret`);
      expect(secret.mode & 0o777).to.equal(0o600);
      expect(server.output()).not.to.include((await readFile(`${dbFile}.session-secret`, 'utf8')).trim());
    } finally {
      server.child.kill('SIGTERM');
    }
    const [code] = await once(server.child, 'exit');
    expect(code).to.equal(0);
  });

  it('refuses a bad setting with one line naming it and exit code 1', async () => {
    const { code, output } = await runToExit({ DB_FILE: path.join(dir, 'db.json'), BCRYPT_COST: '3' });
    expect(code).to.equal(1);
    expect(output.trim()).to.equal('cookie-lab cannot start: BCRYPT_COST: must be between 4 and 31, got 3');
  });

  // One case through the process: one line, exit code 1. Every kind of unreadable file
  // (empty, truncated, wrong shape) is refused by openUserFile in user-file.spec.ts.
  it('refuses a user file it cannot parse with one line and exit code 1, leaving it untouched and unlocked', async () => {
    const dbFile = path.join(dir, 'db.json');
    await writeFile(dbFile, '{"users": [');
    const { code, output } = await runToExit({ DB_FILE: dbFile });
    expect(code).to.equal(1);
    expect(output.trim().split('\n')).to.have.length(1);
    expect(output).to.match(/^cookie-lab cannot start: DB_FILE .*db\.json: is not valid JSON/);
    expect(await readFile(dbFile, 'utf8')).to.equal('{"users": [');
    expect(await exists(`${dbFile}.lock`), 'the lock is released on exit').to.equal(false);
  });

  // What another process does when it judges the lock stale: it removes the lock folder. The
  // server notices at its next refresh (every second) and stops rather than write over a
  // file someone else now owns.
  it('stops with exit code 1 and one error line when its user file lock is taken away', async () => {
    const dbFile = path.join(dir, 'db.json');
    const server = await startListening({ DB_FILE: dbFile });
    await rm(`${dbFile}.lock`, { recursive: true });
    const [code] = await Promise.race([
      once(server.child, 'exit'),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('still running 5 s later')), 5_000),
      ),
    ]).finally(() => server.child.kill('SIGKILL'));
    expect(code).to.equal(1);
    expect(server.output()).to.match(/lost the lock on DB_FILE .*db\.json \(.+\); stopping/);
  });
});
