import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { loadConfig } from '../../server/config.ts';
import { createLogger } from '../../server/log.ts';
import { devSecretFile, loadSessionSecrets, secretSource } from '../../server/sessions/secret-file.ts';

// The development key belongs to one user file. Kept per folder, two servers whose user
// files share a folder would silently share a key, and each would open the other's cookies.
describe('the development key file', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(path.join(tmpdir(), 'cookie-lab-key-'))));
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  const configFor = (file: string, env: Record<string, string> = {}) =>
    loadConfig({ DB_FILE: path.join(dir, file), ...env });
  const quiet = createLogger('silent');

  it('is named after its user file: two user files in one folder get two keys', async () => {
    const a = configFor('a.json');
    const b = configFor('b.json');
    const [keyA] = await loadSessionSecrets(a, quiet);
    const [keyB] = await loadSessionSecrets(b, quiet);
    expect(devSecretFile(a)).to.equal(path.join(dir, 'a.json.session-secret'));
    expect(keyA).not.to.equal(keyB);
    expect(await readFile(path.join(dir, 'a.json.session-secret'), 'utf8')).to.equal(`${keyA}\n`);
    expect(await readFile(path.join(dir, 'b.json.session-secret'), 'utf8')).to.equal(`${keyB}\n`);
    expect((await stat(path.join(dir, 'b.json.session-secret'))).mode & 0o777).to.equal(0o600);
    // Started again, each finds its own.
    expect(await loadSessionSecrets(b, quiet)).to.deep.equal([keyB]);
  });

  it('is generated once, with one log line naming its file, by two servers starting together', async () => {
    const config = configFor('a.json');
    const logs: string[] = [];
    const log = createLogger('info', (line) => logs.push(line));
    const [first, second] = await Promise.all([
      loadSessionSecrets(config, log),
      loadSessionSecrets(config, log),
    ]);
    expect(first, 'the one that lost the race uses the winner’s key').to.deep.equal(second);
    expect(first![0]).to.match(/^[\w-]{64}$/);
    expect(logs).to.deep.equal([
      `info  generated a development session secret in ${devSecretFile(config)} (set SESSION_SECRET in production)`,
    ]);
    // Each wrote its key to a draft of its own first; neither draft is left behind.
    expect(await readdir(dir)).to.deep.equal(['a.json.session-secret']);
  });

  it('stops start-up when the key file cannot be read, rather than making a new key', async () => {
    const config = configFor('a.json');
    await mkdir(devSecretFile(config));
    const error = await loadSessionSecrets(config, quiet).then(
      () => undefined,
      (failed: unknown) => failed,
    );
    expect(error).to.have.property('code', 'EISDIR');
  });

  it('never picks up a key kept for the folder', async () => {
    await writeFile(path.join(dir, '.session-secret'), 'a-key-someone-else-generated\n');
    const [key] = await loadSessionSecrets(configFor('a.json'), quiet);
    expect(key).not.to.equal('a-key-someone-else-generated');
  });

  it('is what the start-up line names, unless SESSION_SECRET is set', () => {
    expect(secretSource(configFor('a.json'))).to.equal(path.join(dir, 'a.json.session-secret'));
    expect(secretSource(configFor('a.json', { SESSION_SECRET: 'k'.repeat(40) }))).to.equal('SESSION_SECRET');
  });
});
