import { dictionary } from '@zxcvbn-ts/language-common';
import { minPasswordCharacters } from './limits.ts';

// zxcvbn-ts' list of passwords seen most often in breaches (about 49,000, ranked);
// only those long enough to pass the length rule matter here, about 18,000.
const common = new Set(
  dictionary['passwords-common'].filter((password) => [...password].length >= minPasswordCharacters),
);

/**
 * Whether the password is one of the most common ones (case-insensitive: the list is
 * lower case, and "Password1" is as guessable as "password1"). An attacker tries these
 * first; NIST 800-63B and ASVS ask for exactly this check instead of composition rules.
 */
export function isCommonPassword(password: string): boolean {
  return common.has(password.toLowerCase());
}
