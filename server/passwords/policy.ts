import { isCommonPassword } from './common.ts';
import { maxPasswordBytes, minPasswordCharacters } from './limits.ts';

export { maxPasswordBytes, minPasswordCharacters } from './limits.ts';

/**
 * Returns why a new password is refused, or null when it is acceptable. Only length and
 * the common-password list: any Unicode is fine, and there are no composition rules
 * (they make passwords harder to remember, not to guess). Checked before any hashing.
 */
export function passwordProblem(password: string): string | null {
  const characters = [...password].length;
  if (characters < minPasswordCharacters) {
    return `Password must be at least ${minPasswordCharacters} characters long (got ${characters}).`;
  }
  const bytes = Buffer.byteLength(password, 'utf8');
  if (bytes > maxPasswordBytes) {
    return `Password must be at most ${maxPasswordBytes} bytes in UTF-8 (got ${bytes}); bcrypt would silently ignore everything after byte ${maxPasswordBytes}.`;
  }
  if (isCommonPassword(password)) {
    return 'That password is on the list of the most common passwords, the first ones an attacker tries. Choose another: a few unrelated words make a good one.';
  }
  return null;
}
