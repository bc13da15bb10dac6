import type { Config } from '../config.ts';

// The one place a session's deadlines are computed, for the cookie store, the server-side
// stores and the cookie tool alike: two timestamps in, two deadlines out.

/** SESSION_IDLE_SECONDS and SESSION_TTL_SECONDS. */
export interface Lifetimes {
  /** A session unused this long ends. */
  idleSeconds: number;
  /** A session ends this long after login, however active. */
  ttlSeconds: number;
}

export function lifetimesOf(config: Pick<Config, 'sessionIdleSeconds' | 'sessionTtlSeconds'>): Lifetimes {
  return { idleSeconds: config.sessionIdleSeconds, ttlSeconds: config.sessionTtlSeconds };
}

/** When a session ends, in ms since the epoch. */
export interface Deadlines {
  idle: number;
  absolute: number;
}

/** `lastActiveAt`: the last write for activity (the cookie's seal, the record's lastSeenAt). */
export function deadlinesOf(lastActiveAt: number, issuedAt: number, life: Lifetimes): Deadlines {
  return { idle: lastActiveAt + life.idleSeconds * 1000, absolute: issuedAt + life.ttlSeconds * 1000 };
}

/** Why a session is over at `now`, or null while it runs; a deadline's own millisecond is over. */
export function expiryOf(deadlines: Deadlines, now: number): 'expired_absolute' | 'expired_idle' | null {
  if (now >= deadlines.absolute) return 'expired_absolute';
  if (now >= deadlines.idle) return 'expired_idle';
  return null;
}

/**
 * Whether a request at `now` pushes the idle deadline (a new seal, a rewritten record):
 * once a quarter of the idle window has passed since the last one, so most requests
 * write nothing, and an active session still never comes within 3/4 of its idle end.
 */
export function activityDue(lastActiveAt: number, life: Lifetimes, now: number): boolean {
  return now - lastActiveAt >= (life.idleSeconds * 1000) / 4;
}
