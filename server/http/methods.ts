import type { RequestHandler, Router } from 'express';
import { HttpError } from './errors.ts';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
export type Handlers = Partial<Record<Method, RequestHandler | RequestHandler[]>>;

export interface RouteOptions {
  /** Why a method this route refuses is refused, when the reason teaches something. */
  refusals?: Partial<Record<Method, string>>;
}

/**
 * Mounts one path with its handlers, and answers every other method itself: OPTIONS
 * with 204 and `Allow`, anything else with 405 and `Allow`, in the JSON error shape
 * (Express alone would answer OPTIONS in plain text and others with 404).
 */
export function route(router: Router, path: string, handlers: Handlers, options: RouteOptions = {}): void {
  const methods = Object.keys(handlers) as Method[];
  const allow = methods
    .flatMap((method) => (method === 'GET' ? ['GET', 'HEAD'] : [method]))
    .concat('OPTIONS')
    .join(', ');
  const chain = router.route(path);
  for (const method of methods) {
    const handler = handlers[method]!;
    chain[method.toLowerCase() as Lowercase<Method>](...(Array.isArray(handler) ? handler : [handler]));
  }
  chain.all((req, res, next) => {
    if (req.method === 'OPTIONS') {
      res.set('Allow', allow).status(204).end();
      return;
    }
    const reason = options.refusals?.[req.method as Method];
    next(
      new HttpError(
        405,
        'method_not_allowed',
        reason ?? `${req.method} is not allowed on ${req.baseUrl}${req.path}; use ${allow}.`,
        { Allow: allow },
      ),
    );
  });
}
