import { availableParallelism } from 'node:os';
import { expect } from 'chai';
import { ConfigError, loadConfig } from '../server/config.ts';

describe('configuration', () => {
  it('runs on its embedded defaults with nothing set', () => {
    const config = loadConfig({});
    expect(config).to.include({
      mode: 'development',
      port: 3000,
      host: '127.0.0.1',
      sessionStore: 'cookie',
      sessionTtlSeconds: 86_400,
      sessionIdleSeconds: 1_800,
      bcryptCost: 12,
      dbFile: 'data/db.json',
      trustProxy: false,
      logLevel: 'info',
      redisUrl: 'redis://127.0.0.1:6379',
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
      sessionNamespace: 'cookie_lab',
      sessionPruneSeconds: 600,
    });
    expect(config.limits).to.deep.equal({
      loginFailuresPerAccount: 10,
      loginFailuresPerAddress: 100,
      loginWindowSeconds: 900,
      registrationsPerAddress: 50,
      registrationWindowSeconds: 3600,
    });
    expect(config.sessionSecrets, 'development generates its own key').to.equal(null);
  });

  it('hashes on one worker thread per core unless HASH_WORKERS says otherwise', () => {
    expect(loadConfig({}).hashWorkers).to.equal(availableParallelism());
    expect(loadConfig({ HASH_WORKERS: '0' }).hashWorkers, '0: the main thread').to.equal(0);
    expect(loadConfig({ HASH_WORKERS: '3' }).hashWorkers).to.equal(3);
  });

  it('reads SESSION_SECRET as a list of keys, newest first', () => {
    expect(loadConfig({ SESSION_SECRET: 'new-key, old-key' }).sessionSecrets).to.deep.equal([
      'new-key',
      'old-key',
    ]);
  });

  it('takes a 32-character key in production and refuses 31, in any place of the list', () => {
    const key32 = 'k'.repeat(32);
    const key31 = 'k'.repeat(31);
    expect(loadConfig({ NODE_ENV: 'production', SESSION_SECRET: key32 }).sessionSecrets).to.deep.equal([
      key32,
    ]);
    expect(() => loadConfig({ NODE_ENV: 'production', SESSION_SECRET: key31 })).to.throw(
      /^SESSION_SECRET: key 1 has 31 characters; production needs at least 32$/,
    );
    expect(() => loadConfig({ NODE_ENV: 'production', SESSION_SECRET: `${key32},${key31}` })).to.throw(
      /^SESSION_SECRET: key 2 has 31 characters/,
    );
  });

  it('accepts bcrypt cost 10 in production, and the default 12', () => {
    const production = { NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32) };
    expect(loadConfig({ ...production, BCRYPT_COST: '10' }).bcryptCost).to.equal(10);
    expect(loadConfig(production).bcryptCost).to.equal(12);
  });

  it('reads the brute-force limits from the environment', () => {
    const { limits } = loadConfig({
      LOGIN_FAILURES_PER_ACCOUNT: '5',
      LOGIN_FAILURES_PER_ADDRESS: '20',
      LOGIN_WINDOW_SECONDS: '60',
      REGISTRATIONS_PER_ADDRESS: '2',
      REGISTRATION_WINDOW_SECONDS: '120',
    });
    expect(limits).to.deep.equal({
      loginFailuresPerAccount: 5,
      loginFailuresPerAddress: 20,
      loginWindowSeconds: 60,
      registrationsPerAddress: 2,
      registrationWindowSeconds: 120,
    });
  });

  const refusals: [string, Record<string, string>, RegExp][] = [
    ['a bcrypt cost of 3', { BCRYPT_COST: '3' }, /^BCRYPT_COST: must be between 4 and 31/],
    ['a cost that is not a number', { BCRYPT_COST: 'twelve' }, /^BCRYPT_COST: expected a whole number/],
    [
      'an unknown store',
      { SESSION_STORE: 'mongo' },
      /^SESSION_STORE: must be one of cookie, memory, redis, postgres/,
    ],
    ['production without a secret', { NODE_ENV: 'production' }, /^SESSION_SECRET: is required in production/],
    [
      'a short secret in production',
      { NODE_ENV: 'production', SESSION_SECRET: 'short' },
      /^SESSION_SECRET: key 1 has 5 characters/,
    ],
    [
      'a bcrypt cost under 10 in production',
      { NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32), BCRYPT_COST: '9' },
      /^BCRYPT_COST: is 9; production needs at least 10/,
    ],
    [
      'a login window of 0 seconds',
      { LOGIN_WINDOW_SECONDS: '0' },
      /^LOGIN_WINDOW_SECONDS: must be between 1/,
    ],
    [
      'a negative failure limit',
      { LOGIN_FAILURES_PER_ACCOUNT: '-1' },
      /^LOGIN_FAILURES_PER_ACCOUNT: expected a whole number/,
    ],
    [
      'a namespace that cannot name a table',
      { SESSION_NAMESPACE: 'drop table; --' },
      /^SESSION_NAMESPACE: must be 1 to 40 lower-case letters/,
    ],
    [
      'a prune interval of 0',
      { SESSION_PRUNE_SECONDS: '0' },
      /^SESSION_PRUNE_SECONDS: must be between 1 and 86400/,
    ],
    ['a negative worker count', { HASH_WORKERS: '-1' }, /^HASH_WORKERS: expected a whole number/],
    ['an absurd worker count', { HASH_WORKERS: '1000' }, /^HASH_WORKERS: must be between 0 and 256/],
    ['an empty key in the list', { SESSION_SECRET: 'a,,b' }, /^SESSION_SECRET: has an empty key/],
    [
      'an idle window longer than the lifetime',
      { SESSION_IDLE_SECONDS: '7200', SESSION_TTL_SECONDS: '3600' },
      /^SESSION_IDLE_SECONDS/,
    ],
  ];
  for (const [name, env, message] of refusals) {
    it(`refuses ${name} with one line naming the variable`, () => {
      expect(() => loadConfig(env)).to.throw(ConfigError, message);
    });
  }
});
