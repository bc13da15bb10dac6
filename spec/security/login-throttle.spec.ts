import { expect } from 'chai';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { loadConfig } from '../../server/config.ts';
import { HttpError } from '../../server/http/errors.ts';
import { createLoginThrottle } from '../../server/http/login-throttle.ts';
import { throttleStoreUnavailable, type ThrottleStore } from '../../server/http/throttle-store.ts';

// The account's counter fails while the address's answers (one shard of a shared store
// down): the login must fail closed with the store's 503, never pass for a 429 that blames
// the user, and the address gets back the attempt it was charged.
describe('the login throttle when only the account counter fails', () => {
  it('answers 503 throttle_store_unavailable and refunds the address', async () => {
    const { limits } = loadConfig({});
    const address = new RateLimiterMemory({ points: 5, duration: 60 });
    const store: ThrottleStore = {
      limiter: ({ keyPrefix }) =>
        keyPrefix === 'login-address'
          ? address
          : Object.assign(new RateLimiterMemory({ points: 5, duration: 60 }), {
              consume: () => Promise.reject(throttleStoreUnavailable('redis')),
            }),
      close: async () => {},
    };
    const throttle = createLoginThrottle(limits, store);

    let failure: unknown;
    await throttle.attempt('203.0.113.9', 'alice').catch((error: unknown) => (failure = error));
    expect(failure).to.be.instanceOf(HttpError);
    expect(failure).to.include({ status: 503, code: 'throttle_store_unavailable' });
    expect((await address.get('203.0.113.9'))?.consumedPoints ?? 0, 'refunded').to.equal(0);
  });
});
