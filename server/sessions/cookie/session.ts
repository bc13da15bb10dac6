import type { Response } from 'express';
import type { User } from '../../users/user.ts';
import { sealedAnatomy } from '../anatomy.ts';
import { deadlinesOf } from '../lifetimes.ts';
import type { RejectionReason, SessionEnding, SessionPort, SessionReport, SessionUser } from '../port.ts';
import { checkBudget, cookieBudgetBytes, cookieBytes } from './budget.ts';
import type { CookiePayload } from './codec.ts';
import { clearedCookie, putSetCookie, sessionCookie } from './header.ts';
import type { CookieStoreOptions } from './options.ts';
import type { Verified } from './verify.ts';

interface Held {
  payload: CookiePayload;
  sealedAt: number;
  /** The key that opened the cookie this request sent; a re-seal on the way out keeps it. */
  keyIndex: number;
  value: string;
}

/** One request's view of a session that lives entirely in its cookie. */
export class CookieSession implements SessionPort {
  #held: Held | null;
  readonly #rejection: RejectionReason | null;

  constructor(
    private readonly res: Response,
    private readonly options: CookieStoreOptions,
    verified: Verified,
  ) {
    this.#held = verified.state === 'valid' ? { ...verified.opened, value: verified.value } : null;
    this.#rejection = verified.state === 'rejected' ? verified.reason : null;
  }

  current(): SessionUser | null {
    const payload = this.#held?.payload;
    return payload ? { id: payload.userId, username: payload.username, issuedAt: payload.issuedAt } : null;
  }

  rejection(): RejectionReason | null {
    return this.#rejection;
  }

  async start(user: User): Promise<void> {
    // A fresh payload: nothing a cookie held before login survives it.
    this.write({
      userId: user.id,
      username: user.username,
      version: user.sessionVersion,
      issuedAt: this.options.now(),
    });
  }

  async end(): Promise<SessionEnding> {
    this.#held = null;
    putSetCookie(this.res, clearedCookie(this.options.flags));
    return 'cookie_cleared';
  }

  async endAll(): Promise<void> {
    await this.options.users.bumpSessionVersion(this.#held!.payload.userId);
    await this.end();
  }

  async setNotes(text: string, { overBudget = false } = {}): Promise<void> {
    const { notes: _previous, ...rest } = this.#held!.payload;
    this.write(text ? { ...rest, notes: text } : rest, { overBudget });
  }

  report(): SessionReport | null {
    const held = this.#held;
    if (!held) return null;
    const deadlines = this.#deadlines(held.payload, held.sealedAt);
    return {
      store: 'cookie',
      payload: { ...held.payload },
      bytes: cookieBytes(sessionCookie(this.options.flags, held.value, deadlines.expires)),
      budget: cookieBudgetBytes,
      issuedAt: new Date(held.payload.issuedAt).toISOString(),
      idleExpiresAt: new Date(deadlines.idle).toISOString(),
      absoluteExpiresAt: new Date(deadlines.absolute).toISOString(),
      keyIndex: held.keyIndex,
      limit: cookieBudgetBytes,
      cookie: sealedAnatomy(this.options.flags.name, held.value),
      record: null,
    };
  }

  /**
   * Seals the payload with the newest key and puts it on the response. A cookie over the
   * budget is never sent (browsers drop it silently): checkBudget throws 413 first, and
   * the session the browser holds stays as it was. `overBudget` skips that check for the
   * lab's silent-drop demo, which shows what the browser does instead.
   */
  write(payload: CookiePayload, { overBudget = false } = {}): void {
    const { codec, flags, now, idleSeconds } = this.options;
    const sealedAt = now();
    const deadlines = this.#deadlines(payload, sealedAt);
    const value = codec.seal(payload, sealedAt, idleSeconds * 1000);
    const header = sessionCookie(flags, value, deadlines.expires);
    if (!overBudget) checkBudget(this.res, header);
    const keyIndex = this.#held?.payload === payload ? this.#held.keyIndex : 0;
    this.#held = { payload, sealedAt, keyIndex, value };
    putSetCookie(this.res, header);
  }

  #deadlines(payload: CookiePayload, sealedAt: number) {
    const { idle, absolute } = deadlinesOf(sealedAt, payload.issuedAt, this.options);
    return { idle, absolute, expires: new Date(Math.min(idle, absolute)) };
  }
}
