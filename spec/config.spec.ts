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
    expect(config.memcachedServers).to.deep.equal(['127.0.0.1:11211']);
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

  it('reads MEMCACHED_SERVERS as a list of host:port, ports 1 to 65535', () => {
    expect(
      loadConfig({ MEMCACHED_SERVERS: 'cache-1.internal:1, 10.0.0.6:65535' }).memcachedServers,
    ).to.deep.equal(['cache-1.internal:1', '10.0.0.6:65535']);
  });

  describe('the shortest session lifetimes', () => {
    const production = { NODE_ENV: 'production', SESSION_SECRET: 'p'.repeat(32) };
    for (const variable of ['SESSION_IDLE_SECONDS', 'SESSION_TTL_SECONDS'] as const) {
      it(`accepts ${variable}=5 outside production, so a class can watch a session end`, () => {
        const config = loadConfig({ SESSION_IDLE_SECONDS: '5', SESSION_TTL_SECONDS: '5', [variable]: '5' });
        expect(config.sessionIdleSeconds).to.equal(5);
        expect(config.sessionTtlSeconds).to.equal(5);
      });
      it(`refuses ${variable}=4 outside production`, () => {
        expect(() =>
          loadConfig({ SESSION_IDLE_SECONDS: '5', SESSION_TTL_SECONDS: '5', [variable]: '4' }),
        ).to.throw(ConfigError, new RegExp(`^${variable}: must be between 5 and `));
      });
      it(`accepts ${variable}=60 in production`, () => {
        const config = loadConfig({ ...production, SESSION_IDLE_SECONDS: '60', SESSION_TTL_SECONDS: '60' });
        expect(config.sessionIdleSeconds).to.equal(60);
        expect(config.sessionTtlSeconds).to.equal(60);
      });
      it(`refuses ${variable}=59 in production`, () => {
        expect(() =>
          loadConfig({
            ...production,
            SESSION_IDLE_SECONDS: '60',
            SESSION_TTL_SECONDS: '60',
            [variable]: '59',
          }),
        ).to.throw(ConfigError, new RegExp(`^${variable}: must be between 60 and `));
      });
    }
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
      /^SESSION_STORE: must be one of cookie, memory, redis, postgres, memcached/,
    ],
    [
      'a memcached server with no port',
      { MEMCACHED_SERVERS: 'localhost' },
      /^MEMCACHED_SERVERS: expected .*"localhost"/,
    ],
    ['a memcached port of 0', { MEMCACHED_SERVERS: '127.0.0.1:0' }, /^MEMCACHED_SERVERS: .*"127.0.0.1:0"/],
    [
      'a memcached port of 65536',
      { MEMCACHED_SERVERS: '127.0.0.1:65536' },
      /^MEMCACHED_SERVERS: .*"127.0.0.1:65536"/,
    ],
    [
      'an empty memcached server in the list',
      { MEMCACHED_SERVERS: 'a:1,,b:2' },
      /^MEMCACHED_SERVERS: .*got ""/,
    ],
    [
      'a memcached URL',
      { MEMCACHED_SERVERS: 'memcached://a:1' },
      /^MEMCACHED_SERVERS: .*"memcached:\/\/a:1"/,
    ],
    [
      'an unknown throttle store',
      { THROTTLE_STORE: 'memcached' },
      /^THROTTLE_STORE: must be one of memory, redis, postgres, got "memcached"$/,
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
