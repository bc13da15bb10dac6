import type { RequestHandler } from 'express';
import type { BruteForceLimits } from '../config.ts';
import { clientAddress } from './client-address.ts';
import type { ThrottleStore } from './throttle-store.ts';
import { isRefusal, tooManyAttempts } from './too-many-attempts.ts';

/**
 * Registration attempts per client address, whatever their outcome: each 409 tells
 * whether a username exists, so every attempt is a probe worth counting.
 */
export function throttleRegistrations(limits: BruteForceLimits, store: ThrottleStore): RequestHandler {
  const perAddress = store.limiter({
    keyPrefix: 'register-address',
    points: limits.registrationsPerAddress,
    duration: limits.registrationWindowSeconds,
  });
  return async (req, _res, next) => {
    try {
      await perAddress.consume(clientAddress(req));
      next();
    } catch (error) {
      next(
        isRefusal(error)
          ? tooManyAttempts(limits.registrationsPerAddress, error, 'registrations from your address')
          : error,
      );
    }
  };
}
