import { randomBytes } from 'node:crypto';
import type { RequestHandler } from 'express';

/**
 * A name for this app instance, for the life of the process: the process id, which tells
 * instances on one machine apart at a glance, and random bytes, which tell apart two apps
 * in one process (the specs) and two machines whose process ids collide.
 */
export function newInstanceId(): string {
  return `${process.pid}-${randomBytes(3).toString('hex')}`;
}

/**
 * `X-Instance: <id>` on every answer, errors and the page's files included: behind a load
 * balancer it says which instance answered, which is how a class sees round-robin at work.
 */
export function instanceHeader(id: string): RequestHandler {
  return (_req, res, next) => {
    res.setHeader('X-Instance', id);
    next();
  };
}
