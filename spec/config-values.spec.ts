import { expect } from 'chai';
import { ConfigError, loadConfig } from '../server/config.ts';

// How a variable's text becomes a value, at the exact edges. Found by the mutation run
// (docs/security.md): changing each rule below left every other spec green.
describe('configuration: how a variable is read', () => {
  it('takes a variable that is empty or only spaces as unset: its default', () => {
    expect(loadConfig({ PORT: '' }).port).to.equal(3000);
    expect(loadConfig({ BCRYPT_COST: '   ' }).bcryptCost).to.equal(12);
    expect(loadConfig({ SESSION_STORE: '' }).sessionStore).to.equal('cookie');
    expect(loadConfig({ SESSION_SECRET: '  ' }).sessionSecrets, 'development generates its key').to.equal(
      null,
    );
    expect(() => loadConfig({ NODE_ENV: 'production', SESSION_SECRET: '  ' })).to.throw(
      ConfigError,
      'SESSION_SECRET: is required in production',
    );
  });

  it('ignores spaces around a value, as a shell or a .env file may leave them', () => {
    expect(loadConfig({ PORT: ' 8080 ' }).port).to.equal(8080);
    expect(loadConfig({ HOST: ' 0.0.0.0 ' }).host).to.equal('0.0.0.0');
    expect(loadConfig({ SESSION_STORE: ' memory\t' }).sessionStore).to.equal('memory');
  });

  it('refuses a number with anything after its digits, naming the variable', () => {
    expect(() => loadConfig({ BCRYPT_COST: '12x' })).to.throw(
      ConfigError,
      'BCRYPT_COST: expected a whole number, got "12x"',
    );
    expect(() => loadConfig({ PORT: '3000 3001' })).to.throw(ConfigError, 'PORT: expected a whole number');
  });

  it('accepts a number equal to its maximum and refuses one above it', () => {
    expect(loadConfig({ BCRYPT_COST: '31' }).bcryptCost).to.equal(31);
    expect(() => loadConfig({ BCRYPT_COST: '32' })).to.throw(
      ConfigError,
      'BCRYPT_COST: must be between 4 and 31, got 32',
    );
  });

  it('reads a flag as 1, true or yes in any case, and anything else as off', () => {
    for (const on of ['1', 'true', 'TRUE', 'Yes'])
      expect(loadConfig({ TRUST_PROXY: on }).trustProxy, on).to.equal(true);
    for (const off of ['0', 'false', 'no', 'on'])
      expect(loadConfig({ TRUST_PROXY: off }).trustProxy, off).to.equal(false);
  });

  it('turns the lab on in production only when LAB_ENABLED says so', () => {
    const production = { NODE_ENV: 'production', SESSION_SECRET: 'k'.repeat(32) };
    expect(loadConfig(production).labEnabled).to.equal(false);
    expect(loadConfig({ ...production, LAB_ENABLED: '1' }).labEnabled).to.equal(true);
  });

  it('accepts each NODE_ENV it names, test included', () => {
    for (const mode of ['development', 'test'] as const)
      expect(loadConfig({ NODE_ENV: mode }).mode).to.equal(mode);
  });

  it('accepts an idle window equal to the lifetime and says by how much a longer one is wrong', () => {
    expect(
      loadConfig({ SESSION_IDLE_SECONDS: '3600', SESSION_TTL_SECONDS: '3600' }).sessionIdleSeconds,
    ).to.equal(3600);
    expect(() => loadConfig({ SESSION_IDLE_SECONDS: '3601', SESSION_TTL_SECONDS: '3600' })).to.throw(
      ConfigError,
      'SESSION_IDLE_SECONDS: (3601) cannot exceed SESSION_TTL_SECONDS (3600)',
    );
  });
});
