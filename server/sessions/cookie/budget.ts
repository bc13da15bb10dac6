import type { Response } from 'express';
import { CookieTooLargeError } from '../errors.ts';

/** Browsers (and curl) drop a cookie whose Set-Cookie line is over 4,096 bytes, silently. */
export const cookieBudgetBytes = 4096;
/** From here on responses carry X-Session-Budget, so a page can warn before it breaks. */
export const budgetWarningRatio = 0.8;

export function cookieBytes(setCookieHeader: string): number {
  return Buffer.byteLength(setCookieHeader, 'utf8');
}

/** Refuses a Set-Cookie that would be dropped (413 over HTTP); marks one that is getting close. */
export function checkBudget(res: Response, setCookieHeader: string): void {
  const bytes = cookieBytes(setCookieHeader);
  if (bytes > cookieBudgetBytes) {
    throw new CookieTooLargeError(bytes, cookieBudgetBytes);
  }
  if (bytes >= cookieBudgetBytes * budgetWarningRatio) {
    res.setHeader('X-Session-Budget', `${bytes}/${cookieBudgetBytes}`);
  } else {
    res.removeHeader('X-Session-Budget');
  }
}
