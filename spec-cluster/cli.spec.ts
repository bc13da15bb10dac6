import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { expect } from 'chai';
import { findNginx, freePort } from '../scripts/cluster/start.ts';
import { needService, specDatabaseUrl } from '../spec/support/stores.ts';

// npm run cluster itself: one clear line when it cannot start, and nothing left behind
// when it is stopped.

function cluster(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/cluster.ts', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { child, stdout: () => stdout, stderr: () => stderr };
}

async function exitOf(run: ReturnType<typeof cluster>) {
  const [code] = (await once(run.child, 'exit')) as [number | null];
  return { code, stderr: run.stderr(), stdout: run.stdout() };
}

describe('npm run cluster', function () {
  this.timeout(120_000);

  it('stops with one line and exit code 1 when nginx is missing', async () => {
    const { code, stderr } = await exitOf(cluster(['--instances', '2'], { NGINX: '/nonexistent/nginx' }));
    expect(code).to.equal(1);
    expect(stderr).to.equal(
      'cluster: nginx is not installed: apt-get install nginx (Debian package), then run again\n',
    );
  });

  it('stops with one line naming DATABASE_URL, password masked, when PostgreSQL is unreachable', async function () {
    if (!findNginx()) this.skip();
    const { code, stderr } = await exitOf(
      cluster(['--instances', '2'], { DATABASE_URL: 'postgres://lab:s3cret@127.0.0.1:1/lab' }),
    );
    expect(code).to.equal(1);
    expect(stderr).to.match(
      /^cluster: DATABASE_URL: cannot reach PostgreSQL at postgres:\/\/lab:\*\*\*@127\.0\.0\.1:1\/lab/,
    );
    expect(stderr.trim().split('\n')).to.have.length(1);
    expect(stderr).not.to.include('s3cret');
  });

  it('refuses a bad --store with one line', async () => {
    const { code, stderr } = await exitOf(cluster(['--store', 'mongo'], {}));
    expect(code).to.equal(1);
    expect(stderr).to.equal(
      'cluster: --store must be one of cookie, memory, redis, postgres, memcached, got "mongo"\n',
    );
  });

  describe('started', function () {
    before(function () {
      if (findNginx()) return;
      if (process.env.CI === 'true') throw new Error('CI=true needs nginx: .ci/run installs it');
      this.skip();
    });
    before(needService('postgres'));

    it('prints the URL, serves through nginx, and on SIGTERM stops every process and removes its prefix', async () => {
      const port = await freePort();
      const run = cluster(['--instances', '2', '--store', 'cookie'], {
        PORT: String(port),
        DATABASE_URL: specDatabaseUrl,
        SESSION_NAMESPACE: `cl_cli_${process.pid}`,
        LOG_LEVEL: 'warn',
      });
      const line = await new Promise<string>((resolve, reject) => {
        run.child.stdout.on('data', () => {
          const match = /^cookie-lab cluster: .*$/m.exec(run.stdout());
          if (match) resolve(match[0]);
        });
        run.child.once('exit', () => reject(new Error(`exited: ${run.stderr()}`)));
      });
      expect(line).to.include(`http://127.0.0.1:${port} (nginx, round-robin)`);
      const prefix = /nginx prefix (\S+)/.exec(line)![1]!;
      const instanceUrls = [...line.matchAll(/ (http:\/\/127\.0\.0\.1:\d+)/g)].map((m) => m[1]!).slice(1);
      expect(instanceUrls).to.have.length(2);
      expect(existsSync(prefix)).to.equal(true);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).to.equal(200);

      run.child.kill('SIGTERM');
      const { code } = await exitOf(run);
      expect(code).to.equal(0);
      expect(existsSync(prefix), 'the prefix is removed').to.equal(false);
      for (const url of [`http://127.0.0.1:${port}`, ...instanceUrls]) {
        const error = await fetch(`${url}/healthz`).then(
          () => null,
          (e: Error) => e,
        );
        expect(error, `${url} still answers`).to.be.an('error');
      }
    });
  });
});
