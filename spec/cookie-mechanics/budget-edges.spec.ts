import { expect } from 'chai';
import type { Response } from 'express';
import { checkBudget, cookieBudgetBytes } from '../../server/sessions/cookie/budget.ts';
import { CookieTooLargeError } from '../../server/sessions/errors.ts';

/** Just the headers checkBudget touches, so each edge is tested at the exact byte. */
function fakeResponse() {
  const headers = new Map<string, string>();
  const res = {
    setHeader: (name: string, value: string) => headers.set(name.toLowerCase(), value),
    removeHeader: (name: string) => headers.delete(name.toLowerCase()),
  } as unknown as Response;
  return { res, budget: () => headers.get('x-session-budget') };
}

const lineOf = (bytes: number) => 'session=' + 'x'.repeat(bytes - 'session='.length);

// Over HTTP a Set-Cookie line grows in steps of about 21 bytes (AES blocks in base64), so
// no note lands on 4,096 exactly; the budget check itself is tested here at every edge.
describe('the cookie budget, at its exact byte edges', () => {
  it('sends a Set-Cookie line of exactly 4,096 bytes and refuses 4,097 with 413', () => {
    expect(cookieBudgetBytes).to.equal(4096);
    expect(() => checkBudget(fakeResponse().res, lineOf(4096))).not.to.throw();
    let refused: unknown;
    try {
      checkBudget(fakeResponse().res, lineOf(4097));
    } catch (error) {
      refused = error;
    }
    expect(refused).to.be.instanceOf(CookieTooLargeError);
    expect(refused).to.include({ bytes: 4097, limit: 4096 });
  });

  it('counts bytes, not characters', () => {
    const line = lineOf(4095) + 'é'; // 4,096 characters, 4,097 bytes
    expect(() => checkBudget(fakeResponse().res, line)).to.throw(CookieTooLargeError);
  });

  it('warns from 80 % on: 3,277 bytes (the first byte at or over 3,276.8) warns, 3,276 does not', () => {
    const below = fakeResponse();
    checkBudget(below.res, lineOf(3276));
    expect(below.budget()).to.equal(undefined);
    const at = fakeResponse();
    checkBudget(at.res, lineOf(3277));
    expect(at.budget()).to.equal('3277/4096');
  });

  it('takes the warning back when a later line of the same answer is under 80 %', () => {
    const { res, budget } = fakeResponse();
    checkBudget(res, lineOf(3277));
    checkBudget(res, lineOf(3276));
    expect(budget()).to.equal(undefined);
  });
});
