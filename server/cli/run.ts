import { StartupError } from '../startup-error.ts';

/** A problem the person running a tool can fix: said in one line, like a start-up problem. */
export class CliError extends StartupError {}

/**
 * Runs a command-line tool: what `main` returns goes to stdout; a failure is one line
 * `<name>: <what went wrong>` on stderr and exit code 1, never a stack trace.
 */
export function runCli(name: string, main: (argv: string[]) => Promise<string>): void {
  main(process.argv.slice(2)).then(
    (output) => console.log(output),
    (error: unknown) => {
      const parseArgsError = String((error as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS');
      const known = error instanceof StartupError || parseArgsError;
      console.error(`${name}: ${known ? (error as Error).message : String(error)}`);
      process.exit(1);
    },
  );
}
