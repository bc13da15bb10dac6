import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';

const answers: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [
    431,
    'headers_too_large',
    "The request headers are over 16 KB, usually too many or too large cookies. Clear this site's cookies.",
  ],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'request_timeout', 'The request took too long to arrive.'],
};
const malformed: [number, string, string] = [400, 'bad_request', 'The request is not valid HTTP.'];

/**
 * Requests Node refuses before Express sees them (headers over its 16 KB limit, broken
 * HTTP) get the same JSON error shape as everything else, instead of Node's bare
 * status line. The connection closes after it: the parser's state is lost.
 */
export function answerClientErrorsInJson(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, code, message] = answers[error.code ?? ''] ?? malformed;
    const body = JSON.stringify({ error: code, message });
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  });
}
