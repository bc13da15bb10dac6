import signature from 'cookie-signature';

export type SignedId =
  | { state: 'none' }
  | { state: 'invalid' }
  /** keyIndex: which SESSION_SECRET key signed it, 0 being the newest. */
  | { state: 'valid'; sid: string; keyIndex: number };

/**
 * Reads a session id cookie the way express-session does (`s:` + id + `.` + HMAC, URL
 * encoded), but keeps what express-session throws away: whether a cookie was sent and
 * failed its signature (`invalid`), and which key opened it (re-signed when not the newest).
 */
export function readSignedId(value: string | undefined, secrets: readonly string[]): SignedId {
  if (value === undefined || value === '') return { state: 'none' };
  let decoded: string;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    return { state: 'invalid' };
  }
  // One spelling per id: express-session would also open `%73:…`, `s:…` or `s%3a…` (the
  // cookie parser decodes every escape), which are the same session under other names.
  if (encodeURIComponent(decoded) !== value || !decoded.startsWith('s:')) return { state: 'invalid' };
  for (const [keyIndex, secret] of secrets.entries()) {
    const sid = signature.unsign(decoded.slice(2), secret);
    if (sid !== false && sid !== '') return { state: 'valid', sid, keyIndex };
  }
  return { state: 'invalid' };
}

/** The cookie value express-session sends for this id, signed with the newest key. */
export function signedIdValue(sid: string, secrets: readonly string[]): string {
  return encodeURIComponent('s:' + signature.sign(sid, secrets[0]!));
}
