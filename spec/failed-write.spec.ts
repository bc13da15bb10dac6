import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { Low } from 'lowdb';
import { DurableJSONFile, writeDurably, type FileWriter } from '../server/users/durable-json-file.ts';
import { LowdbUserRepository } from '../server/users/lowdb.ts';
import type { UserFile } from '../server/users/user.ts';

/**
 * A disk whose next write can be held and then failed, like a full disk: the spec
 * makes other changes while the doomed write is in flight.
 */
class FlakyDisk {
  #failNext = false;
  #started: (() => void) | undefined;
  #release: ((fail: boolean) => void) | undefined;

  /** The next write waits for fail(); resolves once that write has started. */
  holdNextWrite(): Promise<void> {
    this.#failNext = true;
    return new Promise((resolve) => (this.#started = resolve));
  }

  fail(): void {
    this.#release?.(true);
  }

  readonly write: FileWriter = async (file, text) => {
    if (this.#failNext) {
      this.#failNext = false;
      const fail = await new Promise<boolean>((resolve) => {
        this.#release = resolve;
        this.#started?.();
      });
      if (fail) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    }
    await writeDurably(file, text);
  };
}

describe('a write to the user file that fails', () => {
  let dir: string;
  let file: string;
  let disk: FlakyDisk;
  let users: LowdbUserRepository;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cookie-lab-flaky-'));
    file = path.join(dir, 'db.json');
    disk = new FlakyDisk();
    users = new LowdbUserRepository(new Low<UserFile>(new DurableJSONFile(file, disk.write), { users: [] }));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  const onDisk = async () =>
    (JSON.parse(await readFile(file, 'utf8')) as UserFile).users.map((user) => user.username);

  it('is not acknowledged, and leaves no trace in memory or in a later write', async () => {
    const started = disk.holdNextWrite();
    const doomed = users.create('alice', 'hash-a');
    await started;
    disk.fail();
    let failure: unknown;
    await doomed.catch((error) => (failure = error));
    expect(failure).to.have.property('code', 'ENOSPC');
    expect(await users.findByUsername('alice')).to.equal(undefined);

    await users.create('bob', 'hash-b');
    expect(await onDisk()).to.deep.equal(['bob']);
  });

  it('undoes a deletion without losing a registration made while it was in flight', async () => {
    await users.create('alice', 'hash-a');
    await users.create('bob', 'hash-b');
    const alice = (await users.findByUsername('alice'))!;

    const started = disk.holdNextWrite();
    const deletion = users.delete(alice.id);
    await started;
    const registration = users.create('carol', 'hash-c');
    disk.fail();
    await deletion.catch(() => {});
    await registration;

    expect((await users.list()).map((user) => user.username)).to.deep.equal(['alice', 'bob', 'carol']);
    expect(await onDisk()).to.deep.equal(['alice', 'bob', 'carol']);
  });

  it('undoes a password change without undoing a newer one that was acknowledged', async () => {
    const user = await users.create('alice', 'hash-1');

    const started = disk.holdNextWrite();
    const doomed = users.changePassword(user.id, 'hash-2');
    await started;
    const newer = users.changePassword(user.id, 'hash-3');
    disk.fail();
    await doomed.catch(() => {});
    await newer;

    expect((await users.findById(user.id))!.passwordHash).to.equal('hash-3');
    const [stored] = (JSON.parse(await readFile(file, 'utf8')) as UserFile).users;
    expect(stored!.passwordHash).to.equal('hash-3');
  });

  it('undoes two changes that failed together back to the value before both', async () => {
    const user = await users.create('alice', 'hash-1');

    disk.holdNextWrite().then(
      () => disk.fail(),
      () => {},
    );
    const outcomes = await Promise.allSettled([
      users.bumpSessionVersion(user.id),
      users.bumpSessionVersion(user.id),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).to.deep.equal(['rejected', 'rejected']);
    expect((await users.findById(user.id))!.sessionVersion).to.equal(0);
  });
});
