import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { startListening, type Running } from '../support/process.ts';
import { alice, testSecret } from '../support/test-app.ts';

const run = promisify(execFile);

describe('the cookie decode / forge tool (what a stolen key allows)', function () {
  this.timeout(30_000);
  let dir: string;
  let server: Running;
  let env: Record<string, string>;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cookie-lab-cli-'));
    env = { DB_FILE: path.join(dir, 'db.json'), SESSION_SECRET: testSecret };
    server = await startListening(env);
    const json = { 'Content-Type': 'application/json' };
    await fetch(`${server.url}/api/register`, { method: 'POST', headers: json, body: JSON.stringify(alice) });
  });
  after(async () => {
    server.child.kill('SIGTERM');
    await once(server.child, 'exit');
    await rm(dir, { recursive: true, force: true });
  });

  async function cookie(args: string[], extraEnv: Record<string, string> = {}) {
    try {
      const { stdout, stderr } = await run(
        process.execPath,
        ['--import', 'tsx', 'server/cli/cookie.ts', ...args],
        {
          env: { PATH: process.env.PATH ?? '', ...env, ...extraEnv },
        },
      );
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }

  it('forges a cookie the running server accepts as that user, without the password', async () => {
    const forged = await cookie(['forge', '--username', 'alice']);
    expect(forged.code).to.equal(0);
    expect(forged.stdout.trim()).to.match(/^session=[\w-]+\.[\w-]+\.\d+\.\d+\.[\w-]+$/);
    const me = await fetch(`${server.url}/api/me`, { headers: { Cookie: forged.stdout.trim() } });
    expect(me.status).to.equal(200);
    expect((await me.json()).username).to.equal('alice');
  });

  it('decodes a cookie the server issued', async () => {
    const login = await fetch(`${server.url}/api/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(alice),
    });
    const setCookie = login.headers.get('set-cookie')!;
    const decoded = await cookie(['decode', setCookie.split(';')[0]!]);
    expect(decoded.code).to.equal(0);
    const shown = JSON.parse(decoded.stdout);
    expect(shown.payload).to.include({ username: 'alice', version: 0 });
    expect(shown).to.have.keys('payload', 'sealedAt', 'idleExpiresAt', 'absoluteExpiresAt', 'keyIndex');
  });

  it('says what it is for in its help', async () => {
    const help = await cookie(['--help']);
    expect(help.code).to.equal(0);
    expect(help.stdout).to.match(/Whoever holds that key/);
  });

  it('fails on a real cookie with the wrong key, with one clear line and exit code 1', async () => {
    const forged = (await cookie(['forge', '--username', 'alice'])).stdout.trim();
    const result = await cookie(['decode', forged], { SESSION_SECRET: 'some-other-key' });
    expect(result.code).to.equal(1);
    expect(result.stderr.trim()).to.match(/^cookie: not a session cookie sealed with any key/);
  });

  it('says a DB_FILE is not JSON without quoting any of it', async () => {
    const notJson = path.join(dir, 'notes.txt');
    await writeFile(notJson, 'private: the first characters of a file that is not a user file');
    const result = await cookie(['forge', '--username', 'alice'], { DB_FILE: notJson });
    expect(result.code).to.equal(1);
    expect(result.stderr.trim()).to.equal(`cookie: DB_FILE ${notJson} is not valid JSON`);
  });

  const failures: [string, string[], Record<string, string>, RegExp][] = [
    ['not a cookie', ['decode', 'hello'], {}, /not a session cookie sealed with any key/],
    ['an unknown user', ['forge', '--username', 'mallory'], {}, /no user named mallory/],
    ['no username', ['forge'], {}, /forge needs --username/],
    ['an unknown command', ['steal'], {}, /unknown command "steal"/],
  ];
  for (const [name, args, extraEnv, message] of failures) {
    it(`fails on ${name} with one clear line and exit code 1`, async () => {
      const result = await cookie(args, extraEnv);
      expect(result.code).to.equal(1);
      expect(result.stderr.trim().split('\n')).to.have.length(1);
      expect(result.stderr).to.match(message);
    });
  }
});
