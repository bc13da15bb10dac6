import type { Request } from 'express';

/**
 * The address throttling counts against. req.ip reads X-Forwarded-For only when
 * TRUST_PROXY set Express's `trust proxy`; otherwise it is the socket's peer, so a
 * client cannot pick a fresh address per request by sending the header itself.
 */
export function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}
