import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { loadConfig } from '../server/config.ts';
import { createLogger } from '../server/log.ts';
import { openUserRepository } from '../server/users/open.ts';
import { UserFileLockedError } from '../server/users/user-file-lock.ts';
import { UserFileError, openUserFile } from '../server/users/user-file.ts';
import { alice, loginAs, removeTestApp, request, testApp, withCookie } from './support/test-app.ts';

describe('the user file', () => {
  it('keeps users and sessions across a restart of the app', async () => {
    const first = await testApp();
    const cookie = await loginAs(first);
    await first.close();

    const second = await testApp({}, { dir: first.dir, clock: first.clock });
    try {
      const me = await withCookie(second, cookie).get('/api/me');
      expect(me).to.have.status(200);
      expect(me.body.username).to.equal('alice');
      const login = await request.execute(second.app).post('/api/login').send(alice);
      expect(login).to.have.status(200);
    } finally {
      await removeTestApp(second);
    }
  });

  it('is created on first start', async () => {
    const lab = await testApp();
    try {
      expect(JSON.parse(await readFile(lab.config.dbFile, 'utf8'))).to.deep.equal({ users: [] });
    } finally {
      await removeTestApp(lab);
    }
  });

  describe('lock', () => {
    it('refuses a second app on the same file while the first holds it, naming the file', async () => {
      const first = await testApp();
      try {
        let failure: unknown;
        await testApp({}, { dir: first.dir }).catch((error: unknown) => (failure = error));
        expect(failure).to.be.instanceOf(UserFileLockedError);
        const file = first.config.dbFile;
        expect((failure as Error).message).to.equal(
          `DB_FILE ${file} is in use by another cookie-lab process (lock ${file}.lock): stop that one first, ` +
            `or give this one its own DB_FILE. A lock left by a crashed process expires 5 s after the crash.`,
        );
      } finally {
        await removeTestApp(first);
      }
    });

    // Another process that judged the lock stale removes its folder; the app hears of it at
    // its next refresh (every second) and tells its owner, who must stop writing.
    it('tells its owner once when the lock is taken away while running', async () => {
      const lab = await testApp();
      try {
        expect(lab.lostUserFile).to.deep.equal([]);
        await rm(`${lab.config.dbFile}.lock`, { recursive: true });
        const deadline = Date.now() + 3_000;
        while (lab.lostUserFile.length === 0 && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        expect(lab.lostUserFile).to.have.length(1);
      } finally {
        await removeTestApp(lab);
      }
    });
  });

  describe('that cannot be read as users', () => {
    let dir: string;
    beforeEach(async () => (dir = await mkdtemp(path.join(tmpdir(), 'cookie-lab-file-'))));
    afterEach(async () => rm(dir, { recursive: true, force: true }));

    const notJson = 'is not valid JSON';
    const notUsers = 'does not hold { "users": [...] } with valid user records';
    const cases: Record<string, [string, string]> = {
      'truncated JSON': ['{"users": [{"id": "1", "usern', notJson],
      'an empty file': ['', notJson],
      'a list instead of an object': ['[]', notUsers],
      'an object of the wrong shape': ['{"accounts": []}', notUsers],
      'users that are not records': ['{"users": [1, 2]}', notUsers],
    };
    it('gives its lock back when it stops, so the file opens at once once mended', async () => {
      const file = path.join(dir, 'db.json');
      await writeFile(file, '[]');
      const open = () =>
        openUserRepository(loadConfig({ DB_FILE: file }), createLogger('silent'), Date.now, () => {});
      expect(await open().catch((error: unknown) => error)).to.be.instanceOf(UserFileError);
      await writeFile(file, '{"users": []}');
      const users = await open();
      await users.close();
    });

    for (const [name, [content, reason]] of Object.entries(cases)) {
      it(`stops start-up on ${name} and leaves it byte-for-byte untouched`, async () => {
        const file = path.join(dir, 'db.json');
        await writeFile(file, content);
        let failure: unknown;
        try {
          await openUserFile(file);
        } catch (error) {
          failure = error;
        }
        expect(failure).to.be.instanceOf(UserFileError);
        expect((failure as Error).message)
          .to.include(file)
          .and.include(reason)
          .and.include('left untouched');
        expect(await readFile(file, 'utf8')).to.equal(content);
      });
    }
  });
});
