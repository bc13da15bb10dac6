import type { Browser } from 'playwright-core';
import type { Config } from '../../server/config.ts';
import { launchChromium } from './chromium.ts';
import { startLab, type LabServer } from './lab-server.ts';

export interface LabSuite {
  browser: Browser;
  server: LabServer;
}

// create-store.ts throws exactly this for a store kind that is not built yet (issue 6 adds
// the server-side stores). Such a suite is pending, loudly; any other failure to start
// the store fails it.
const notBuiltYet = /^SESSION_STORE=\w+ is not available yet$/;

/**
 * For the describe it is called in: Chromium and the app on a free port before its tests,
 * both closed after. The fields are filled in once the `before` hook has run.
 */
export function labSuite(env: Record<string, string> = {}, config: Partial<Config> = {}): LabSuite {
  const suite = {} as LabSuite;
  before(async function () {
    suite.browser = await launchChromium(this);
    try {
      suite.server = await startLab(env, config);
    } catch (error) {
      if (!(error instanceof Error && notBuiltYet.test(error.message))) throw error;
      console.log(`    PENDING ON ISSUE 6: ${error.message}; these tests run once the store lands.`);
      this.skip();
    }
  });
  after(async () => {
    await suite.browser?.close();
    await suite.server?.close();
  });
  return suite;
}
