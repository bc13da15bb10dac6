import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';

/**
 * Where the suite saves its screenshots: a temp folder by default, so a test run leaves
 * the repository alone; `npm run docs:screenshots` points it at docs/img.
 */
export const screenshotDir = process.env.SCREENSHOTS_DIR ?? path.join(tmpdir(), 'cookie-lab-screenshots');

let announced = false;

export async function shoot(target: Page | Locator, name: string): Promise<void> {
  await mkdir(screenshotDir, { recursive: true });
  if (!announced) {
    announced = true;
    console.log(`    (screenshots in ${screenshotDir})`);
  }
  await target.screenshot({ path: path.join(screenshotDir, `${name}.png`), animations: 'disabled' });
}
