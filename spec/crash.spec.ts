import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import { staleAfterMs } from '../server/users/user-file-lock.ts';
import { userFileShape } from '../server/users/user.ts';
import { exists } from './support/files.ts';
import { runToExit, startListening, type Running } from './support/process.ts';

const password = 'correct horse battery';
const lockedMessage = /^cookie-lab cannot start: DB_FILE .*db\.json is in use by another cookie-lab process/;

const register = (url: string, username: string) =>
  fetch(`${url}/api/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });

async function stop(server: Running): Promise<number | null> {
  server.child.kill('SIGTERM');
  const [code] = (await once(server.child, 'exit')) as [number | null];
  return code;
}

describe('the user file and the server process', function () {
  this.timeout(60_000);
  let dir: string;
  let dbFile: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cookie-lab-crash-'));
    dbFile = path.join(dir, 'db.json');
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('keeps every acknowledged registration when the server is SIGKILLed mid-storm', async () => {
    // One address registers hundreds of names: raise the per-address limit for it.
    const env = { DB_FILE: dbFile, REGISTRATIONS_PER_ADDRESS: '100000' };
    const server = await startListening(env);
    const acknowledged: string[] = [];
    const refused: number[] = [];
    let killed = false;
    // Sixteen clients register one name after another until their connection dies.
    const client = async (id: number) => {
      for (let i = 0; !killed; i++) {
        const username = `c${id}n${i}`;
        try {
          const res = await register(server.url, username);
          if (res.status === 201) acknowledged.push(username);
          else refused.push(res.status);
        } catch {
          return; // the server is gone; this request was never answered
        }
      }
    };
    const clients = Array.from({ length: 16 }, (_, id) => client(id));
    try {
      for (const deadline = Date.now() + 20_000; acknowledged.length < 100; await sleep(5)) {
        if (Date.now() > deadline || refused.length > 0) break;
      }
      expect(refused, 'answers other than 201 during the storm').to.deep.equal([]);
      expect(acknowledged.length).to.be.at.least(100);
    } finally {
      server.child.kill('SIGKILL');
      killed = true;
      await Promise.all(clients);
    }

    const file = userFileShape.parse(JSON.parse(await readFile(dbFile, 'utf8')));
    const stored = new Set(file.users.map((user) => user.username));
    expect(
      acknowledged.filter((username) => !stored.has(username)),
      'acknowledged but lost',
    ).to.deep.equal([]);

    // The dead process's lock expires; until then a restart is refused, saying why.
    let restarted: Running | undefined;
    const deadline = Date.now() + staleAfterMs + 20_000;
    while (!restarted) {
      try {
        restarted = await startListening(env);
      } catch (error) {
        expect(String(error)).to.match(/in use by another cookie-lab process/);
        expect(Date.now(), 'the stale lock still blocks the restart').to.be.below(deadline);
        await sleep(500);
      }
    }
    try {
      const login = await fetch(`${restarted.url}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: acknowledged.at(-1), password }),
      });
      expect(login.status).to.equal(200);
    } finally {
      expect(await stop(restarted)).to.equal(0);
    }
  });

  it('refuses a second server on the same file with one line and exit code 1, until the first stops', async () => {
    const first = await startListening({ DB_FILE: dbFile });
    try {
      expect((await register(first.url, 'alice')).status).to.equal(201);
      const second = await runToExit({ DB_FILE: dbFile });
      expect(second.code).to.equal(1);
      expect(second.output.trim().split('\n')).to.have.length(1);
      expect(second.output).to.match(lockedMessage);
      expect((await fetch(`${first.url}/healthz`)).status, 'the first one serves on').to.equal(200);
    } finally {
      expect(await stop(first)).to.equal(0);
    }
    expect(await exists(`${dbFile}.lock`), 'released on a clean exit').to.equal(false);

    const third = await startListening({ DB_FILE: dbFile });
    try {
      const login = await fetch(`${third.url}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'alice', password }),
      });
      expect(login.status).to.equal(200);
    } finally {
      await stop(third);
    }
  });
});
