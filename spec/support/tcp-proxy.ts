import { once } from 'node:events';
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy a spec owns, in front of a real server: `stall()` makes it stop forwarding
 * in both directions while every connection stays open, which is what a database that
 * hangs (a full disk, a frozen VM, a dropped route) looks like to the app. Bytes held
 * during a stall are forwarded on `resume()`, unless their sender gave up and closed first.
 */
export class TcpProxy {
  #stalled = false;
  readonly #held: (() => void)[] = [];
  readonly #sockets = new Set<Socket>();

  private constructor(
    readonly server: Server,
    readonly port: number,
  ) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const proxy = new TcpProxy(server, (server.address() as AddressInfo).port);
    server.on('connection', (client) => proxy.#pair(client, createConnection(target)));
    return proxy;
  }

  #pair(client: Socket, upstream: Socket): void {
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      this.#sockets.add(from);
      from.on('data', (chunk) => {
        const send = () => {
          if (!to.destroyed) to.write(chunk);
        };
        if (this.#stalled) this.#held.push(send);
        else send();
      });
      // Either side closing or failing ends the pair, and with it anything still held.
      const end = () => {
        client.destroy();
        upstream.destroy();
      };
      from.on('close', end);
      from.on('error', end);
      from.on('close', () => this.#sockets.delete(from));
    }
  }

  stall(): void {
    this.#stalled = true;
  }

  resume(): void {
    this.#stalled = false;
    for (const send of this.#held.splice(0)) send();
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    this.server.close();
    await once(this.server, 'close');
  }
}
