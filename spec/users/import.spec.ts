import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import { expect } from 'chai';
import type { User } from '../../server/users/user.ts';
import { forEachUserStore, sql } from '../support/stores.ts';
import { alice, removeTestApp, request, testApp, testSecret, type TestApp } from '../support/test-app.ts';

/** Runs `npm run users -- ...` (or another tool) as a person would, and returns what it printed. */
async function usersCli(args: string[], env: Record<string, string>, tool = 'server/cli/users.ts') {
  const child = spawn(process.execPath, ['--import', 'tsx', tool, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, output: output.trim() };
}

forEachUserStore(
  'npm run users -- import',
  (store) => {
    let dir: string;
    let lab: TestApp | undefined;
    beforeEach(async () => (dir = await mkdtemp(path.join(tmpdir(), 'cookie-lab-import-'))));
    afterEach(async () => {
      if (lab) await removeTestApp(lab);
      lab = undefined;
      await rm(dir, { recursive: true, force: true });
    });

    it('copies a lowdb file’s users with their hashes and versions, once, saying what it copied and skipped', async function () {
      this.timeout(30_000);
      const users: User[] = [
        {
          id: 'a1b2c3d4-0000-4000-8000-000000000001',
          username: 'alice',
          passwordHash: bcrypt.hashSync(alice.password, 4),
          createdAt: '2026-01-02T03:04:05.678Z',
          sessionVersion: 3,
        },
        {
          id: 'a1b2c3d4-0000-4000-8000-000000000002',
          username: 'Bob',
          passwordHash: bcrypt.hashSync('bobs password', 4),
          createdAt: '2026-01-03T03:04:05.678Z',
          sessionVersion: 0,
        },
      ];
      const file = path.join(dir, 'db.json');
      await writeFile(file, JSON.stringify({ users }));
      const env = store.env();
      const table = `${env.SESSION_NAMESPACE}_users`;

      const first = await usersCli(['import', file], env);
      expect(first).to.deep.equal({
        code: 0,
        output: `copied alice\ncopied Bob\n2 copied, 0 skipped, into ${table}`,
      });
      const again = await usersCli(['import', file], env);
      expect(again.code).to.equal(0);
      expect(again.output).to.equal(
        'skipped alice (its id or name is already there)\n' +
          'skipped Bob (its id or name is already there)\n' +
          `0 copied, 2 skipped, into ${table}`,
      );

      const rows = await sql<{
        id: string;
        session_version: number;
        password_hash: string;
        created_at: string;
      }>(`SELECT id, session_version, password_hash, created_at FROM ${table} ORDER BY username_key`);
      expect(rows).to.deep.equal(
        users.map((user) => ({
          id: user.id,
          session_version: user.sessionVersion,
          password_hash: user.passwordHash,
          created_at: user.createdAt,
        })),
      );
      lab = await testApp(env);
      expect(await request.execute(lab.app).post('/api/login').send(alice)).to.have.status(200);
      expect(
        await request
          .execute(lab.app)
          .post('/api/register')
          .send({ username: 'BOB', password: 'x'.repeat(12) }),
        'the imported name is taken, in any case',
      ).to.have.status(409);

      // The forge tool reads the same table: its cookie carries the imported version, 3.
      const forged = await usersCli(
        ['forge', '--username', 'ALICE'],
        { ...env, SESSION_SECRET: testSecret },
        'server/cli/cookie.ts',
      );
      expect(forged.code, forged.output).to.equal(0);
      const me = await request.execute(lab.app).get('/api/me').set('Cookie', forged.output);
      expect(me).to.have.status(200);
      expect(me.body.username).to.equal('alice');
    });

    it('refuses a file that is not a user list, with one line, copying nothing', async () => {
      const file = path.join(dir, 'db.json');
      await writeFile(file, '[]');
      const { code, output } = await usersCli(['import', file], store.env());
      expect(code).to.equal(1);
      expect(output).to.equal(`users: ${file} does not hold { "users": [...] } with valid user records`);
    });
  },
  ['postgres'],
);
