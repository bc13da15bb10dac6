import { expect } from 'chai';
import { addressKey } from '../../server/http/client-address.ts';
import { removeTestApp, request, testApp, type TestApp } from '../support/test-app.ts';

describe('security: the address a throttle counts', () => {
  it('writes every spelling of one address as one key', () => {
    expect(
      ['2001:db8::1', '2001:DB8::1', '2001:db8:0:0::1', '2001:0db8:0000::0001', '[2001:db8::1]:443'].map(
        addressKey,
      ),
    ).to.deep.equal(Array(5).fill('2001:db8::/64'));
    expect(
      ['203.0.113.9', '::ffff:203.0.113.9', '::FFFF:cb00:7109', '203.0.113.9:4711', ' 203.0.113.9'].map(
        addressKey,
      ),
    ).to.deep.equal(Array(5).fill('203.0.113.9'));
  });

  it('counts IPv6 by /64, IPv4 by the whole address', () => {
    expect(addressKey('2001:db8::2')).to.equal(addressKey('2001:db8::1'));
    expect(addressKey('2001:db8::ffff:ffff:ffff:ffff')).to.equal('2001:db8::/64');
    expect(addressKey('2001:db8:0:1::1')).to.equal('2001:db8:0:1::/64');
    expect(addressKey('203.0.113.10')).not.to.equal(addressKey('203.0.113.9'));
  });

  it('keeps what is not an address as its own lower-cased text', () => {
    expect(addressKey('Unknown')).to.equal('unknown');
  });
});

describe('security: address throttling behind a proxy, whatever the spelling', () => {
  let lab: TestApp;
  beforeEach(async () => (lab = await testApp({ LOGIN_FAILURES_PER_ADDRESS: '3', TRUST_PROXY: '1' })));
  afterEach(async () => removeTestApp(lab));

  let guess = 0;
  const fail = (from: string) =>
    request
      .execute(lab.app)
      .post('/api/login')
      .set('X-Forwarded-For', from)
      // A new unknown user each time: only the address's count can run out.
      .send({ username: `nobody${++guess}`, password: 'wrong guess 1' });

  async function expectOneAddress(spellings: string[], then: string): Promise<void> {
    for (const from of spellings) expect(await fail(from), from).to.have.status(401);
    const res = await fail(then);
    expect(res, `${then} after ${spellings.join(', ')}`).to.have.status(429);
    expect(res.body.error).to.equal('too_many_attempts');
    expect(res.headers['retry-after']).to.be.a('string');
  }

  it('counts 2001:db8::1 written three ways as one address', async () => {
    await expectOneAddress(['2001:db8::1', '2001:DB8::1', '2001:db8:0:0::1'], '2001:0db8:0000::0001');
  });

  it('counts 203.0.113.9 and ::ffff:203.0.113.9, with or without a port, as one address', async () => {
    await expectOneAddress(
      ['203.0.113.9', '::ffff:203.0.113.9', '203.0.113.9:4711'],
      '[::ffff:203.0.113.9]:443',
    );
  });

  it('counts two addresses of one /64 as one client, and another /64 apart', async () => {
    await expectOneAddress(
      ['2001:db8::1', '2001:db8::2', '2001:db8::abcd:1'],
      '2001:db8::ffff:ffff:ffff:ffff',
    );
    expect(await fail('2001:db8:0:1::1'), 'the next /64').to.have.status(401);
  });
});
