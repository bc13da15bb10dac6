import type { SessionPort } from '../port.ts';
import { SessionStoreUnavailableError } from '../errors.ts';

/**
 * The session of a request that came while the store was down. Asking anything of it
 * answers 503 at once, so routes that need a session fail clearly and routes that do not
 * (register, health, every refusal) never notice.
 */
export class UnavailableSession implements SessionPort {
  constructor(private readonly kind: string) {}

  #refuse(): never {
    throw new SessionStoreUnavailableError(this.kind);
  }

  current = (): never => this.#refuse();
  rejection = (): never => this.#refuse();
  start = async (): Promise<never> => this.#refuse();
  end = async (): Promise<never> => this.#refuse();
  endAll = async (): Promise<never> => this.#refuse();
  setNotes = async (): Promise<never> => this.#refuse();
  report = (): never => this.#refuse();
}
