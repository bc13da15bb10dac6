import { RateLimiterRes } from 'rate-limiter-flexible';
import { HttpError } from './errors.ts';

/**
 * The one answer to throttled traffic: 429 with Retry-After and the RateLimit-* fields.
 * Only this answer carries them, so that two 401s (unknown user, wrong password) stay
 * byte-for-byte alike, remaining counts included.
 */
export function tooManyAttempts(limit: number, refusal: RateLimiterRes, what: string): HttpError {
  const seconds = Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
  return new HttpError(
    429,
    'too_many_attempts',
    `Too many ${what}; try again in ${seconds} seconds.`,
    {
      'Retry-After': String(seconds),
      'RateLimit-Limit': String(limit),
      'RateLimit-Remaining': '0',
      'RateLimit-Reset': String(seconds),
    },
    { retryAfterSeconds: seconds },
  );
}

/** rate-limiter-flexible refuses with its result object; anything else is a real failure. */
export function isRefusal(error: unknown): error is RateLimiterRes {
  return error instanceof RateLimiterRes;
}
