import { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** The crawler runs one dump at a time and answers BUSY to a second; this one waits its turn. */
const busyRetryMs = 50;

/**
 * The keys one Memcached server holds that start with `prefix`, from its LRU crawler
 * (`lru_crawler metadump all`, text protocol: memjs speaks only the binary one). The
 * crawler walks every item on the server, so this is for counting (storedSessions, specs,
 * benches), never for a request: Memcached has no index to ask instead. Not a snapshot:
 * items the LRU maintainer moves during the walk can be missed.
 */
export async function dumpKeys(server: string, prefix: string, timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await dumpOnce(server, prefix, Math.max(1, deadline - Date.now()));
    } catch (error) {
      if (!(error instanceof CrawlerBusy) || Date.now() + busyRetryMs >= deadline) throw error;
      await sleep(busyRetryMs);
    }
  }
}

class CrawlerBusy extends Error {}

function dumpOnce(server: string, prefix: string, timeoutMs: number): Promise<string[]> {
  const colon = server.lastIndexOf(':');
  const [host, port] = [server.slice(0, colon), Number(server.slice(colon + 1))];
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let text = '';
    const fail = (error: Error) => {
      socket.destroy();
      reject(error);
    };
    socket.setTimeout(timeoutMs, () => fail(new Error(`no answer within ${timeoutMs} ms`)));
    socket.on('error', fail);
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (/^BUSY/m.test(text)) return fail(new CrawlerBusy('lru_crawler busy'));
      if (/^(ERROR|CLIENT_ERROR|SERVER_ERROR)/m.test(text)) {
        return fail(new Error(`lru_crawler metadump: ${text.split('\r\n')[0]}`));
      }
      if (!text.endsWith('END\r\n')) return;
      socket.end();
      const keys = [...text.matchAll(/^key=(\S+)/gm)]
        .map((match) => decodeURIComponent(match[1]!))
        .filter((key) => key.startsWith(prefix));
      // An item moved between LRU lists during the walk may be listed twice (or missed).
      resolve([...new Set(keys)]);
    });
    socket.connect(port, host, () => socket.write('lru_crawler metadump all\r\n'));
  });
}
