import type { Browser } from 'playwright-core';
import type { Config } from '../../server/config.ts';
import { launchChromium } from './chromium.ts';
import { startLab, type LabServer } from './lab-server.ts';

export interface LabSuite {
  browser: Browser;
  server: LabServer;
}

/**
 * For the describe it is called in: Chromium and the app on a free port before its tests,
 * both closed after. The fields are filled in once the `before` hook has run.
 */
export function labSuite(env: Record<string, string> = {}, config: Partial<Config> = {}): LabSuite {
  const suite = {} as LabSuite;
  before(async function () {
    suite.browser = await launchChromium(this);
    suite.server = await startLab(env, config);
  });
  after(async () => {
    await suite.browser?.close();
    await suite.server?.close();
  });
  return suite;
}
