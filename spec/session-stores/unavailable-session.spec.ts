import { expect } from 'chai';
import { SessionStoreUnavailableError } from '../../server/sessions/errors.ts';
import type { SessionPort } from '../../server/sessions/port.ts';
import { UnavailableSession } from '../../server/sessions/server-side/unavailable.ts';

// The session a request gets while its store is down. The outage specs meet it through
// routes, which ask current() or start() first and stop at its 503; this asks the rest.
describe('the session of a request that came while the store was down', () => {
  const methods: (keyof SessionPort)[] = [
    'current',
    'rejection',
    'start',
    'end',
    'endAll',
    'setNotes',
    'report',
  ];

  for (const method of methods) {
    it(`answers ${method}() with the store's 503, naming the store`, async () => {
      const session = new UnavailableSession('redis') as unknown as Record<string, () => unknown>;
      const failure = await Promise.resolve()
        .then(() => session[method]!())
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      expect(failure).to.be.instanceOf(SessionStoreUnavailableError);
      expect(failure).to.have.property('kind', 'redis');
    });
  }
});
