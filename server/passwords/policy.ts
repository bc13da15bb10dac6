// bcrypt reads at most 72 bytes of a password and silently ignores the rest, so a
// longer password would be accepted with any tail. We refuse it instead of cutting it.
export const minPasswordCharacters = 8;
export const maxPasswordBytes = 72;

/** Returns why a new password is refused, or null when it is acceptable. */
export function passwordProblem(password: string): string | null {
  const characters = [...password].length;
  if (characters < minPasswordCharacters) {
    return `Password must be at least ${minPasswordCharacters} characters long (got ${characters}).`;
  }
  const bytes = Buffer.byteLength(password, 'utf8');
  if (bytes > maxPasswordBytes) {
    return `Password must be at most ${maxPasswordBytes} bytes in UTF-8 (got ${bytes}); bcrypt would silently ignore everything after byte ${maxPasswordBytes}.`;
  }
  return null;
}
