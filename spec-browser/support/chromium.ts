import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (apt-get install chromium); never a browser a tool downloads itself. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// The flags that work on these machines: no sandbox (root in a container), no GPU, and
// nothing that calls home or updates itself during a test.
const flags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

/**
 * Starts Chromium for a suite. Without it the suite is skipped locally, with the reason
 * printed, and fails under CI=true: CI must never pass by running no browser test.
 */
export async function launchChromium(suite: Mocha.Context): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    const reason = `no Chromium at ${chromiumPath} (apt-get install -y chromium, or set CHROMIUM_PATH)`;
    if (process.env.CI === 'true') throw new Error(`CI must run the browser tests, but there is ${reason}`);
    console.log(`    skipped: ${reason}`);
    suite.skip();
  }
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: flags });
}
