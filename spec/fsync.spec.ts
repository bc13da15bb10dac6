import fs from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { writeDurably } from '../server/users/durable-json-file.ts';
import { LowdbUserRepository } from '../server/users/lowdb.ts';
import { openUserFile } from '../server/users/user-file.ts';

// No process-kill test can see a missing fsync: the page cache survives a killed process,
// only a power cut loses it. So this spec watches fs.fsync itself while the user file is
// written, through the same writer the repository uses.
describe('writing the user file durably', () => {
  let dir: string;
  const fsync = fs.fsync;
  const synced: ('file' | 'folder')[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cookie-lab-fsync-'));
    synced.length = 0;
    fs.fsync = ((fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => {
      synced.push(fs.fstatSync(fd).isDirectory() ? 'folder' : 'file');
      fsync(fd, callback);
    }) as typeof fs.fsync;
  });
  afterEach(async () => {
    fs.fsync = fsync;
    await rm(dir, { recursive: true, force: true });
  });

  it('syncs the file, then the folder that names it', async () => {
    const file = path.join(dir, 'db.json');
    await writeDurably(file, '{"users":[]}');
    expect(await readFile(file, 'utf8')).to.equal('{"users":[]}');
    expect(synced).to.deep.equal(['file', 'folder']);
  });

  it('closes what it opens: 50 writes leave no descriptor open', async () => {
    const file = path.join(dir, 'db.json');
    await writeDurably(file, '{"users":[]}');
    const open = () => fs.readdirSync('/proc/self/fd').length;
    const before = open();
    for (let write = 0; write < 50; write++) await writeDurably(file, `{"users":[],"n":${write}}`);
    expect(open()).to.equal(before);
  });

  it('is how a registration reaches the user file', async () => {
    const users = new LowdbUserRepository(await openUserFile(path.join(dir, 'db.json')));
    synced.length = 0;
    await users.create('alice', '$2b$04$abcdefghijklmnopqrstuuKzJ0yPl2C4/TLg/Tq0fM2cLxjbNBxGu');
    expect(synced).to.deep.equal(['file', 'folder']);
  });
});
