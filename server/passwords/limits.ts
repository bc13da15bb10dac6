/** The length rule: at least this many characters (Unicode code points, not bytes). */
export const minPasswordCharacters = 8;
// bcrypt reads at most 72 bytes of a password and silently ignores the rest, so a
// longer password would be accepted with any tail. We refuse it instead of cutting it.
export const maxPasswordBytes = 72;

/** A password bcrypt would cut: no stored password is this long, so it is always wrong. */
export const longerThanBcryptReads = (password: string): boolean =>
  Buffer.byteLength(password, 'utf8') > maxPasswordBytes;
