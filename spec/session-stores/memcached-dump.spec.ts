import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { expect } from 'chai';
import { dumpKeys } from '../../server/sessions/server-side/memcached-dump.ts';

// The LRU crawler's answers, each one exactly, from a Memcached of the spec's own making:
// a real one answers BUSY or ERROR only under conditions a spec cannot arrange on demand.
// (memcached-records.spec.ts counts keys on a real Memcached.)
describe('counting Memcached keys with the LRU crawler', () => {
  let server: Server;
  let address: string;
  let answers: ((socket: Socket) => void)[];
  let asked: number;
  let sockets: Socket[];

  beforeEach(async () => {
    asked = 0;
    sockets = [];
    server = createServer((socket) => {
      sockets.push(socket);
      socket.once('data', () => answers[Math.min(asked++, answers.length - 1)]!(socket));
      socket.on('error', () => {});
    }).listen(0, '127.0.0.1');
    await once(server, 'listening');
    address = `127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterEach(() => {
    for (const socket of sockets) socket.destroy();
    server.close();
  });

  const say = (text: string) => (socket: Socket) => socket.end(text);
  const dump = (...keys: string[]) =>
    say(keys.map((key) => `key=${key} exp=-1 la=1 cas=1 fetch=no cls=1 size=60\r\n`).join('') + 'END\r\n');
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: unknown) => error as Error,
    );

  it('lists the keys with the prefix, decoded, each once, and nothing else', async () => {
    answers = [
      dump('app%3Asess%3Aone', 'app%3Asess%3ABUSY-ERROR', 'app%3Asess%3Aone', 'other%3Asess%3Athree'),
    ];
    expect(await dumpKeys(address, 'app:sess:', 1_000)).to.deep.equal([
      'app:sess:one',
      'app:sess:BUSY-ERROR',
    ]);
  });

  it('waits its turn while the crawler answers BUSY to another dump', async () => {
    answers = [say('BUSY currently processing crawler request\r\n'), say('BUSY\r\n'), dump('app%3Aa')];
    expect(await dumpKeys(address, 'app:', 2_000)).to.deep.equal(['app:a']);
    expect(asked).to.equal(3);
  });

  it('gives up at its deadline when the crawler stays busy', async () => {
    answers = [say('BUSY currently processing crawler request\r\n')];
    const error = await failure(dumpKeys(address, 'app:', 300));
    expect(error?.message).to.equal('lru_crawler busy');
    // Each try takes at least its 50 ms wait: 300 ms allow no more than 6.
    expect(asked).to.be.within(2, 6);
  });

  it('fails at once, with the first line, on an error', async () => {
    answers = [say('CLIENT_ERROR bad command line format\r\nmore\r\n')];
    const error = await failure(dumpKeys(address, 'app:', 1_000));
    expect(error?.message).to.equal('lru_crawler metadump: CLIENT_ERROR bad command line format');
    expect(asked).to.equal(1);
  });

  it('fails when no answer comes within its time', async () => {
    answers = [() => {}];
    const error = await failure(dumpKeys(address, 'app:', 100));
    expect(error?.message).to.equal('no answer within 100 ms');
  });

  it('fails, not crashes, when nothing listens at the address', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const { port } = closed.address() as { port: number };
    await new Promise((resolve) => closed.close(resolve));
    const error = await failure(dumpKeys(`127.0.0.1:${port}`, 'app:', 1_000));
    expect(error?.message).to.match(/ECONNREFUSED/);
  });
});
