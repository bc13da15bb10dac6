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
    });
    expect(config.sessionSecrets, 'development generates its own key').to.equal(null);
  });

  it('reads SESSION_SECRET as a list of keys, newest first', () => {
    expect(loadConfig({ SESSION_SECRET: 'new-key, old-key' }).sessionSecrets).to.deep.equal([
      'new-key',
      'old-key',
    ]);
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
