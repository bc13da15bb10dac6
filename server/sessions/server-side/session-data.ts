import type { SessionData } from 'express-session';

// What a server-side session record holds besides express-session's own `cookie` entry:
// the same least-possible content as the cookie store's payload. Routes never see
// req.session; they see the SessionPort built on it.
declare module 'express-session' {
  interface SessionData {
    userId: string;
    username: string;
    /**
     * The user's session version at login, as in the cookie store's payload: a bump of the
     * user record's version (logout-all, a new password) ends the session on its next read.
     * Memcached's logout-all relies on it alone; the other stores also delete the records.
     */
    version: number;
    /** Login time, ms since the epoch: the absolute lifetime counts from here. */
    issuedAt: number;
    /** Last time the record was written for activity: the idle window counts from here. */
    lastSeenAt: number;
    /** Free text a user stored in the session; here it costs the cookie nothing. */
    notes?: string;
  }
}

/** Whether a partial record is one this app wrote: a user's session, not an empty shell. */
export function isUserSession(data: Partial<SessionData> | null | undefined): data is SessionData {
  return (
    typeof data?.userId === 'string' &&
    typeof data.username === 'string' &&
    typeof data.version === 'number' &&
    typeof data.issuedAt === 'number' &&
    typeof data.lastSeenAt === 'number'
  );
}
