import { expect } from 'chai';
import { loginAs, removeTestApp, testApp, withCookie } from './support/test-app.ts';

// Our own mistake, not the client's: the client learns only that it happened (no stack, no
// message of ours), and the log says where, with the stack, for whoever runs the server.
describe('a mistake of ours', () => {
  it('answers 500 internal_error and nothing more, and logs the request with the stack', async () => {
    const lab = await testApp();
    try {
      const cookie = await loginAs(lab);
      lab.deps.users.findById = async () => {
        throw new Error('boom in the user store');
      };
      const res = await withCookie(lab, cookie).get('/api/me');
      expect(res).to.have.status(500);
      expect(res.body).to.deep.equal({
        error: 'internal_error',
        message: 'Something went wrong on our side.',
      });
      expect(res.text).not.to.include('boom');
      const logged = lab.logs.filter((line) => line.includes('GET /api/me failed'));
      expect(logged).to.have.length(1);
      expect(logged[0])
        .to.include('Error: boom in the user store')
        .and.match(/\n\s+at /);
    } finally {
      await removeTestApp(lab);
    }
  });
});
