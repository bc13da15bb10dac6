import type { AddressInfo } from 'node:net';
import { boot } from './boot.ts';
import { loadConfig, minProductionBcryptCost } from './config.ts';
import { answerClientErrorsInJson } from './http/client-error.ts';
import { createLogger } from './log.ts';
import { secretSource } from './sessions/secret-file.ts';
import { StartupError } from './startup-error.ts';

// The process entry: configuration, then the app, then listen. Every start-up problem
// a person can fix is one line on stderr and exit code 1, never a stack trace.
async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const { app, deps, close } = await boot(config, log, {
    // Another process now believes the user file is free: writing on would undo its changes.
    onUserFileLost(error) {
      log.error(`lost the lock on DB_FILE ${config.dbFile} (${error.message}); stopping`);
      process.exit(1);
    },
  });

  const server = app.listen(config.port, config.host);
  answerClientErrorsInJson(server);
  server.on('error', (error: NodeJS.ErrnoException) => {
    console.error(`cannot listen on ${config.host}:${config.port}: ${error.code ?? error.message}`);
    process.exit(1);
  });
  server.on('listening', () => {
    const { port } = server.address() as AddressInfo;
    log.info(
      `cookie-lab listening on http://${config.host}:${port} as instance ${deps.instance} (session store: ${config.sessionStore}, users: ${config.userStore === 'postgres' ? 'postgres' : config.dbFile}, keys: ${secretSource(config)})`,
    );
    if (config.bcryptCost < minProductionBcryptCost) {
      log.warn(
        `BCRYPT_COST=${config.bcryptCost} is below ${minProductionBcryptCost}: fine for specs and demos, refused in production`,
      );
    }
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: closing`);
    server.close(() => void close().then(() => process.exit(0)));
    // Keep-alive connections would hold close() open; nobody waits for them in a demo.
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 5_000).unref();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof StartupError) {
    console.error(`cookie-lab cannot start: ${error.message}`);
  } else {
    console.error('cookie-lab cannot start:', error);
  }
  process.exit(1);
});
