import { request as httpRequest, type Agent, type OutgoingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { answerClientErrorsInJson } from '../../server/http/client-error.ts';

export interface Listening {
  port: number;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 like server/index.ts does, Node's own client-error answers included. */
export async function listen(app: Express): Promise<Listening> {
  const server: Server = app.listen(0, '127.0.0.1');
  answerClientErrorsInJson(server);
  await new Promise<void>((resolve) => server.once('listening', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export interface RawRequest {
  method: string;
  path: string;
  /** An array value is sent as that many header lines. */
  headers?: OutgoingHttpHeaders;
  body?: string;
  agent?: Agent;
}

/** One request with exactly these headers, as Node's client sends them: no cookie jar, no defaults. */
export function send(
  port: number,
  { method, path, headers = {}, body, agent }: RawRequest,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method, path, headers, agent: agent ?? false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
