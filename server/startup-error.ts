/**
 * A start-up problem the person running the server can fix: a bad variable, a user file that
 * is locked or unreadable, a store that does not answer. index.ts prints the message as one
 * line and exits 1; any other error is a bug and is printed with its stack.
 */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
